import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { CallDetails, User } from '../api/contract';
import type { RoomSnapshot } from '../api/signaling-contract';
import { SignalingError, type SignalingClient } from '../signaling/signaling-client';
import { traceCall } from './call-debug';
import { CallMediaControls } from './call-media-controls';
import { CallNegotiation } from './call-negotiation';
import { CallQualityMonitor } from './call-quality-monitor';
import { CallRecordingControls } from './call-recording-controls';
import { followCallSignals } from './call-signals';
import {
  CallViewStore,
  isOver,
  messageOf,
  remoteStatusOf,
  viewOfCall,
  type CallView,
} from './call-view';
import { openLocalMedia, stopTracks } from './local-media';

export type {
  CallPhase,
  CallView,
  RemoteParticipant,
  RemoteStatus,
  UploadState,
} from './call-view';

type RoomEvent = 'join-call' | 'reconnect-call';

/**
 * One participant's side of a live call: local media, the peer link, signaling, quality reports
 * and (for the clinician) the recording. React renders its `view` and calls its actions; nothing
 * here depends on React. This class runs the call's life (into the room, out of it, over); the
 * parts it holds do the rest.
 */
export class CallSession {
  private readonly view = new CallViewStore();
  private readonly negotiation: CallNegotiation;
  private readonly media: CallMediaControls;
  private readonly quality: CallQualityMonitor;
  private readonly recording: CallRecordingControls;
  private unsubscribe: Array<() => void> = [];
  private disposed = false;
  /** When call-answered said the call was answered (the read model may still say RINGING). */
  private answeredAt: string | null = null;

  constructor(
    readonly callId: string,
    private readonly me: User,
    private readonly api: ApiClient,
    private readonly signaling: SignalingClient,
  ) {
    const isDisposed = () => this.disposed;
    this.media = new CallMediaControls(callId, this.view, signaling, (track) =>
      this.negotiation.replaceVideoTrack(track),
    );
    this.negotiation = new CallNegotiation({
      callId,
      me,
      api,
      signaling,
      view: this.view,
      media: this.media,
      isDisposed,
      connected: () => void this.quality.sample(true),
    });
    this.quality = new CallQualityMonitor(
      callId,
      this.view,
      signaling,
      () => this.negotiation.current,
      isDisposed,
    );
    this.recording = new CallRecordingControls(callId, this.view, api);
  }

  subscribe = (listener: () => void): (() => void) => this.view.subscribe(listener);

  getView = (): CallView => this.view.current;

  async start(): Promise<void> {
    this.listen();
    let call: CallDetails;
    try {
      call = await this.readCall();
    } catch (error) {
      this.finish('UNAVAILABLE', null, messageOf(error));
      return;
    }
    if (call.status === 'RINGING' && call.calleeId === this.me.id) {
      // Opened from a join link while it rings: coming in is answering.
      try {
        await this.api.post(`/webrtc/calls/${this.callId}/answer`, {});
        call = await this.readCall();
      } catch (error) {
        this.view.notify(messageOf(error));
      }
    }
    this.absorbCall(call);
    if (this.view.current.ended || this.disposed) return;
    const media = await openLocalMedia(call.type !== 'AUDIO');
    if (this.disposed) {
      stopTracks(media.stream);
      return;
    }
    this.view.update({
      localStream: media.stream,
      mediaProblem: media.problem,
      cameraOn: (media.stream?.getVideoTracks().length ?? 0) > 0,
      microphoneOn: (media.stream?.getAudioTracks().length ?? 0) > 0,
    });
    try {
      await this.negotiation.refreshIce();
      await this.enter();
    } catch (error) {
      this.view.notify(messageOf(error));
      if (error instanceof SignalingError && error.code.startsWith('CALL.'))
        this.finish('ENDED', null);
    }
    this.quality.start();
  }

  // --- actions ---------------------------------------------------------------------------------

  toggleMicrophone(): void {
    this.media.toggleMicrophone();
  }

  toggleCamera(): void {
    this.media.toggleCamera();
  }

  /** The quality warning's suggestion: stop sending video, keep talking. */
  switchToAudioOnly(): void {
    this.media.switchToAudioOnly();
  }

  dismissQualityWarning(): void {
    this.view.update({ qualityWarning: null });
  }

  toggleScreenShare(): Promise<void> {
    return this.media.toggleScreenShare();
  }

  async setConsent(consented: boolean): Promise<void> {
    try {
      await this.api.post(`/webrtc/calls/${this.callId}/consent`, { consented });
      this.view.update({ consents: { ...this.view.current.consents, [this.me.id]: consented } });
    } catch (error) {
      this.view.notify(messageOf(error));
    }
  }

  startRecording(): Promise<void> {
    return this.recording.start();
  }

  stopRecording(): Promise<void> {
    return this.recording.stop();
  }

  end(): Promise<void> {
    return this.finishOverRest('end');
  }

  /** The clinician hangs up before the patient answered. */
  cancel(): Promise<void> {
    return this.finishOverRest('cancel');
  }

  clearNotice(): void {
    this.view.update({ notice: null });
  }

  /** Leaving the screen: out of the call's room (unless it is over), every device released. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.view.current.ended && this.view.current.call) {
      this.signaling.send('leave-call', { callId: this.callId });
    }
    this.teardown();
    this.view.close();
  }

  // --- the call's life ---------------------------------------------------------------------------

  private listen(): void {
    this.unsubscribe = followCallSignals({
      callId: this.callId,
      me: this.me,
      signaling: this.signaling,
      view: this.view,
      negotiation: this.negotiation,
      quality: this.quality,
      recording: this.recording,
      isDisposed: () => this.disposed,
      answered: (startedAt) => this.answered(startedAt),
      finish: (status, durationSeconds) => this.finish(status, durationSeconds),
      rejoin: () => this.rejoin(),
    });
  }

  /**
   * Into the call's room with `first`, or with `fallback` when the server says `first` does not
   * fit where we stand (already in the room after a reload; already out after a long drop).
   */
  private async enterWith(first: RoomEvent, fallback: RoomEvent, fallbackCode: string) {
    let room: RoomSnapshot;
    try {
      room = await this.signaling.request(first, { callId: this.callId });
    } catch (error) {
      if (!(error instanceof SignalingError) || error.code !== fallbackCode) throw error;
      room = await this.signaling.request(fallback, { callId: this.callId });
    }
    this.absorbRoom(room);
  }

  /** join-call; a page reload comes back with reconnect-call. */
  private enter(): Promise<void> {
    return this.enterWith('join-call', 'reconnect-call', 'PARTICIPANT.ALREADY_PRESENT');
  }

  /** After a network drop: reconnect-call, or join-call again once the grace has passed. */
  private async rejoin(): Promise<void> {
    try {
      await this.enterWith('reconnect-call', 'join-call', 'PARTICIPANT.NOT_DISCONNECTED');
      // The network came back: the media path may not have; find a new one.
      await this.negotiation.recoverAfterRejoin();
    } catch (error) {
      this.view.notify(messageOf(error));
      if (error instanceof SignalingError && /^(CALL|PARTICIPANT)\./.test(error.code))
        await this.reloadCall();
    }
  }

  private absorbRoom(room: RoomSnapshot): void {
    traceCall('room', room.participants);
    const other = room.participants.find((participant) => participant.userId !== this.me.id);
    if (!other) return;
    const status = remoteStatusOf(other);
    this.view.updateRemote({
      status: this.negotiation.isConnected ? 'connected' : status,
      audio: other.audio,
      video: other.video,
      screenShare: other.screenShare,
    });
    // Who enters a room where the other already is makes the offer; who was there answers it.
    // (Both offering at once works too, but the polite side's rollback can stall its ICE
    // gathering in chromium.) Someone away will offer when back.
    if (status === 'connecting') this.negotiation.ensureLink();
  }

  private absorbCall(read: CallDetails): void {
    const absorbed = viewOfCall(read, this.me, this.answeredAt, this.view.current.remote);
    this.view.update(absorbed);
    if (isOver(absorbed.call)) this.finish(absorbed.call.status, absorbed.call.duration);
  }

  /** The answer is the other side's write: the read model may not have it yet, the event has. */
  private answered(startedAt: string): void {
    // It may even arrive before this session has read the call: kept for absorbCall.
    this.answeredAt = startedAt;
    const call = this.view.current.call;
    if (call?.status === 'RINGING') {
      this.view.update({ call: { ...call, status: 'IN_PROGRESS', startedAt } });
    }
  }

  private async finishOverRest(action: 'end' | 'cancel'): Promise<void> {
    try {
      await this.api.post(`/webrtc/calls/${this.callId}/${action}`, {});
    } catch (error) {
      // Already over (the other side ended it first): the call-ended event says how.
      if (!(error instanceof ApiError && error.status === 409)) this.view.notify(messageOf(error));
    }
    if (!this.view.current.ended) await this.reloadCall();
  }

  private readCall(): Promise<CallDetails> {
    return this.api.getFresh<CallDetails>(`/webrtc/calls/${this.callId}`);
  }

  private async reloadCall(): Promise<void> {
    try {
      this.absorbCall(await this.readCall());
    } catch (error) {
      this.view.notify(messageOf(error));
    }
  }

  private finish(status: string, durationSeconds: number | null, notice?: string): void {
    if (this.view.current.ended) return;
    this.teardown();
    this.view.update({
      ended: { status, durationSeconds },
      phase: 'ended',
      remoteStream: null,
      localStream: null,
      notice: notice ?? this.view.current.notice,
    });
  }

  /** Every track stopped, the peer connection closed, timers and listeners gone. */
  private teardown(): void {
    this.quality.stop();
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.negotiation.close();
    this.media.stop();
    stopTracks(this.view.current.localStream);
    this.recording.finish();
  }
}
