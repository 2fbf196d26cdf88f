import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { CallDetails, IceConfiguration, Recording, User } from '../api/contract';
import { SignalingError, type SignalingClient } from '../signaling/signaling-client';
import { CallRecorder } from './call-recorder';
import {
  qualityLevel,
  sampleConnection,
  type ConnectionSample,
  type QualityLevel,
} from './connection-sample';
import { openLocalMedia, stopTracks } from './local-media';
import { PeerLink } from './peer-link';
import { traceCall } from './call-debug';

export type CallPhase =
  'loading' | 'ringing' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

export type RemoteStatus = 'waiting' | 'connecting' | 'connected' | 'reconnecting' | 'left';

export interface RemoteParticipant {
  readonly userId: string;
  readonly name: string;
  readonly status: RemoteStatus;
  readonly audio: boolean;
  readonly video: boolean;
  readonly screenShare: boolean;
}

export type UploadState = 'idle' | 'uploading' | 'saved' | 'failed';

export interface CallView {
  readonly phase: CallPhase;
  readonly call: CallDetails | null;
  readonly localStream: MediaStream | null;
  readonly remoteStream: MediaStream | null;
  readonly microphoneOn: boolean;
  readonly cameraOn: boolean;
  readonly sharingScreen: boolean;
  readonly remote: RemoteParticipant | null;
  readonly sample: ConnectionSample | null;
  readonly quality: QualityLevel;
  /** Set by a quality-warning: whose link is poor (the user's own, or the patient's). */
  readonly qualityWarning: { readonly userId: string } | null;
  readonly consents: Readonly<Record<string, boolean>>;
  readonly recording: { readonly id: string; readonly startedAt: string } | null;
  readonly upload: UploadState;
  readonly signalingOnline: boolean;
  /** Devices refused or missing: the call goes on and the user is told why. */
  readonly mediaProblem: string | null;
  /** The latest refusal or failure worth telling the user. */
  readonly notice: string | null;
  readonly ended: { readonly status: string; readonly durationSeconds: number | null } | null;
}

const QUALITY_SAMPLE_MS = 2_000;
const QUALITY_REPORT_MS = 10_000;
/** How long a negotiated link may take to connect before its ICE is restarted, and how often. */
const CONNECT_PATIENCE_MS = 5_000;
const MAX_CONNECT_RESTARTS = 3;

const REMOTE_STATUS: Record<string, RemoteStatus> = {
  INVITED: 'waiting',
  JOINING: 'connecting',
  CONNECTED: 'connecting',
  DISCONNECTED: 'reconnecting',
  LEFT: 'left',
};

type Payload = Record<string, unknown>;

/**
 * One participant's side of a live call: local media, the peer link, signaling, quality reports
 * and (for the clinician) the recording. React renders its `view` and calls its actions; nothing
 * here depends on React.
 */
export class CallSession {
  private state: CallView = {
    phase: 'loading',
    call: null,
    localStream: null,
    remoteStream: null,
    microphoneOn: true,
    cameraOn: true,
    sharingScreen: false,
    remote: null,
    sample: null,
    quality: 'unknown',
    qualityWarning: null,
    consents: {},
    recording: null,
    upload: 'idle',
    signalingOnline: true,
    mediaProblem: null,
    notice: null,
    ended: null,
  };
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private link: PeerLink | null = null;
  private ice: IceConfiguration | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private recorder: { id: string; recorder: CallRecorder } | null = null;
  private signalQueue: Promise<void> = Promise.resolve();
  private samplingTimer: number | undefined;
  private reportTimer: number | undefined;
  private counters: { lost: number; received: number } | null = null;
  private disposed = false;
  /** When call-answered said the call was answered (the read model may still say RINGING). */
  private answeredAt: string | null = null;
  /** The other participant's connection is gone (participant-disconnected) until they are back. */
  private remoteAway = false;
  private wasOffline = false;

  constructor(
    readonly callId: string,
    private readonly me: User,
    private readonly api: ApiClient,
    private readonly signaling: SignalingClient,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): CallView => this.state;

  async start(): Promise<void> {
    this.listen();
    let call: CallDetails;
    try {
      call = await this.api.getFresh<CallDetails>(`/webrtc/calls/${this.callId}`);
    } catch (error) {
      this.finish('UNAVAILABLE', null, messageOf(error));
      return;
    }
    if (call.status === 'RINGING' && call.calleeId === this.me.id) {
      // Opened from a join link while it rings: coming in is answering.
      try {
        await this.api.post(`/webrtc/calls/${this.callId}/answer`, {});
        call = await this.api.getFresh<CallDetails>(`/webrtc/calls/${this.callId}`);
      } catch (error) {
        this.notify(messageOf(error));
      }
    }
    this.absorbCall(call);
    if (this.state.ended || this.disposed) return;
    const media = await openLocalMedia(call.type !== 'AUDIO');
    if (this.disposed) {
      stopTracks(media.stream);
      return;
    }
    this.update({
      localStream: media.stream,
      mediaProblem: media.problem,
      cameraOn: (media.stream?.getVideoTracks().length ?? 0) > 0,
      microphoneOn: (media.stream?.getAudioTracks().length ?? 0) > 0,
    });
    try {
      await this.refreshIce();
      await this.enter();
    } catch (error) {
      this.notify(messageOf(error));
      if (error instanceof SignalingError && error.code.startsWith('CALL.'))
        this.finish('ENDED', null);
    }
    this.samplingTimer = window.setInterval(() => void this.sample(false), QUALITY_SAMPLE_MS);
    this.reportTimer = window.setInterval(() => void this.sample(true), QUALITY_REPORT_MS);
  }

  // --- actions ---------------------------------------------------------------------------------

  toggleMicrophone(): void {
    const on = !this.state.microphoneOn;
    for (const track of this.state.localStream?.getAudioTracks() ?? []) track.enabled = on;
    this.update({ microphoneOn: on });
    this.reportMedia({ audio: on });
  }

  toggleCamera(): void {
    const on = !this.state.cameraOn;
    const camera = this.state.localStream?.getVideoTracks()[0];
    if (!camera) {
      this.notify('There is no camera to turn on.');
      return;
    }
    camera.enabled = on;
    if (!this.screenTrack) void this.link?.replaceVideoTrack(on ? camera : null);
    this.update({ cameraOn: on });
    this.reportMedia({ video: on });
  }

  /** The quality warning's suggestion: stop sending video, keep talking. */
  switchToAudioOnly(): void {
    if (this.state.sharingScreen) this.stopScreenShare();
    if (this.state.cameraOn) this.toggleCamera();
    this.update({ qualityWarning: null });
  }

  dismissQualityWarning(): void {
    this.update({ qualityWarning: null });
  }

  async toggleScreenShare(): Promise<void> {
    if (this.state.sharingScreen) {
      this.stopScreenShare();
      return;
    }
    let screen: MediaStream;
    try {
      screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      this.notify('Screen sharing was not started.');
      return;
    }
    const track = screen.getVideoTracks()[0];
    if (!track) return;
    this.screenTrack = track;
    track.onended = () => this.stopScreenShare();
    await this.link?.replaceVideoTrack(track);
    this.update({ sharingScreen: true });
    this.reportMedia({ screenShare: true });
  }

  async setConsent(consented: boolean): Promise<void> {
    try {
      await this.api.post(`/webrtc/calls/${this.callId}/consent`, { consented });
      this.update({ consents: { ...this.state.consents, [this.me.id]: consented } });
    } catch (error) {
      this.notify(messageOf(error));
    }
  }

  async startRecording(): Promise<void> {
    const remote = this.state.remoteStream;
    if (!remote) {
      this.notify('Recording starts once the other participant is connected.');
      return;
    }
    try {
      const recording = await this.api.post<Recording>(`/webrtc/calls/${this.callId}/record`);
      this.recorder = {
        id: recording.id,
        recorder: new CallRecorder(this.state.localStream, remote),
      };
      this.update({
        recording: { id: recording.id, startedAt: recording.startedAt },
        upload: 'idle',
      });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'RECORDING.CONSENT_MISSING') {
        const missing =
          (error.body['missing'] as Array<{ displayName?: string }> | undefined) ?? [];
        const names = missing.map((person) => person.displayName ?? 'a participant').join(', ');
        this.notify(`Recording needs everyone’s consent. Still waiting for: ${names}.`);
      } else {
        this.notify(messageOf(error));
      }
    }
  }

  async stopRecording(): Promise<void> {
    const recording = this.state.recording;
    if (!recording) return;
    try {
      await this.api.post(`/webrtc/calls/${this.callId}/recordings/${recording.id}/stop`);
    } catch (error) {
      this.notify(messageOf(error));
    }
    this.update({ recording: null });
    await this.uploadRecording(recording.id);
  }

  end(): Promise<void> {
    return this.finishOverRest('end');
  }

  /** The clinician hangs up before the patient answered. */
  cancel(): Promise<void> {
    return this.finishOverRest('cancel');
  }

  private async finishOverRest(action: 'end' | 'cancel'): Promise<void> {
    try {
      await this.api.post(`/webrtc/calls/${this.callId}/${action}`, {});
    } catch (error) {
      // Already over (the other side ended it first): the call-ended event says how.
      if (!(error instanceof ApiError && error.status === 409)) this.notify(messageOf(error));
    }
    if (!this.state.ended) await this.reloadCall();
  }

  /** Leaving the screen: out of the call's room (unless it is over), every device released. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.state.ended && this.state.call) {
      this.signaling.send('leave-call', { callId: this.callId });
    }
    this.teardown();
    this.listeners.clear();
  }

  // --- the call's lifecycle ------------------------------------------------------------------

  /**
   * Into the call's room with `first`, or with `fallback` when the server says `first` does not
   * fit where we stand (already in the room after a reload; already out after a long drop).
   */
  private async enterWith(
    first: 'join-call' | 'reconnect-call',
    fallback: 'join-call' | 'reconnect-call',
    fallbackCode: string,
  ): Promise<void> {
    let ack: Payload;
    try {
      ack = await this.signaling.request(first, { callId: this.callId });
    } catch (error) {
      if (!(error instanceof SignalingError) || error.code !== fallbackCode) throw error;
      ack = await this.signaling.request(fallback, { callId: this.callId });
    }
    this.absorbRoom(ack);
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
      if (this.link && this.link.connection.connectionState !== 'connected')
        await this.restartIce();
    } catch (error) {
      this.notify(messageOf(error));
      if (error instanceof SignalingError && /^(CALL|PARTICIPANT)\./.test(error.code))
        await this.reloadCall();
    }
  }

  private absorbRoom(ack: Payload): void {
    traceCall('room', ack['participants']);
    const participants = (ack['participants'] as Payload[] | undefined) ?? [];
    const other = participants.find((participant) => participant['userId'] !== this.me.id);
    if (!other) return;
    const status = REMOTE_STATUS[String(other['status'])] ?? 'waiting';
    this.updateRemote({
      status: this.link?.connection.connectionState === 'connected' ? 'connected' : status,
      audio: other['audio'] !== false,
      video: other['video'] !== false,
      screenShare: other['screenShare'] === true,
    });
    // Who enters a room where the other already is makes the offer; who was there answers it.
    // (Both offering at once works too, but the polite side's rollback can stall its ICE
    // gathering in chromium; see the closing note of session 2.) Someone away will offer when back.
    if (status === 'connecting') this.ensureLink();
  }

  private absorbCall(read: CallDetails): void {
    const call: CallDetails =
      read.status === 'RINGING' && this.answeredAt
        ? { ...read, status: 'IN_PROGRESS', startedAt: read.startedAt ?? this.answeredAt }
        : read;
    const other = call.participants.find((participant) => participant.userId !== this.me.id);
    const otherId =
      other?.userId ?? (this.me.id === call.providerId ? call.patientId : call.providerId);
    const otherName =
      other?.displayName ??
      (this.me.id === call.providerId ? call.patientName : call.providerName) ??
      'The other participant';
    const consents = Object.fromEntries(
      call.participants.map((participant) => [
        participant.userId,
        participant.consentedToRecording,
      ]),
    );
    const active = call.recordings.find((recording) => recording.status === 'RECORDING');
    this.update({
      call,
      consents,
      recording: active ? { id: active.id, startedAt: active.startedAt } : null,
      remote: this.state.remote ?? {
        userId: otherId,
        name: otherName,
        status: 'waiting',
        audio: true,
        video: call.type !== 'AUDIO',
        screenShare: false,
      },
    });
    if (['ENDED', 'MISSED', 'DECLINED', 'CANCELLED', 'FAILED'].includes(call.status)) {
      this.finish(call.status, call.duration);
    }
  }

  private listen(): void {
    const forThisCall =
      (handler: (payload: Payload) => void) =>
      (payload: Payload): void => {
        if (payload['callId'] === this.callId && !this.disposed) handler(payload);
      };
    const on = (event: string, handler: (payload: Payload) => void) =>
      this.unsubscribe.push(this.signaling.on(event, forThisCall(handler)));

    on('call-answered', (payload) => {
      // The answer is the other side's write: the read model may not have it yet, the event has.
      // It may even arrive before this session has read the call: kept for absorbCall.
      const answeredAt = String(payload['startedAt'] ?? new Date().toISOString());
      this.answeredAt = answeredAt;
      const call = this.state.call;
      if (call?.status === 'RINGING') {
        this.update({ call: { ...call, status: 'IN_PROGRESS', startedAt: answeredAt } });
      }
    });
    on('call-ended', (payload) =>
      this.finish(
        String(payload['status'] ?? 'ENDED'),
        (payload['durationSeconds'] as number | null) ?? null,
      ),
    );
    on('call-cancelled', () => this.finish('CANCELLED', null));
    on('participant-joined', (payload) => {
      if (payload['userId'] === this.me.id) return;
      traceCall('participant-joined', payload['reconnected']);
      this.remoteAway = false;
      // Ledger-driven news may arrive after the media already flows: it must not set us back.
      const linked = this.link?.connection.connectionState === 'connected';
      this.updateRemote({ status: linked ? 'connected' : 'connecting' });
      // No link made here: the newcomer offers (see absorbRoom), and its offer makes ours.
    });
    on('participant-disconnected', (payload) => {
      if (payload['userId'] === this.me.id) return;
      // No ICE restarts toward someone who is not there: they come back with an offer of their own.
      this.remoteAway = true;
      this.updateRemote({ status: 'reconnecting' });
    });
    on('participant-left', (payload) => {
      if (payload['userId'] === this.me.id) return;
      this.link?.close();
      this.link = null;
      this.updateRemote({ status: 'left' });
      this.update({ remoteStream: null });
    });
    on('participant-media-updated', (payload) => {
      if (payload['userId'] === this.me.id) return;
      this.updateRemote({
        audio: payload['audio'] !== false,
        video: payload['video'] !== false,
        screenShare: payload['screenShare'] === true,
      });
    });
    for (const kind of ['offer', 'answer'] as const) {
      on(kind, (payload) => this.enqueue(() => this.receiveDescription(payload)));
    }
    on('ice-candidate', (payload) =>
      this.enqueue(async () => {
        if (payload['from'] !== this.state.remote?.userId) return;
        traceCall('received candidate');
        // Candidates follow their offer on the same channel; without a link there was no offer.
        await this.link?.receiveCandidate(payload['candidate'] as RTCIceCandidateInit);
      }),
    );
    on('quality-warning', (payload) =>
      this.update({ qualityWarning: { userId: String(payload['userId']) } }),
    );
    on('request-quality-stats', () => void this.sample(true));
    on('recording-started', (payload) => {
      if (this.state.recording?.id !== payload['recordingId']) {
        this.update({
          recording: { id: String(payload['recordingId']), startedAt: String(payload['at']) },
        });
      }
    });
    on('recording-stopped', (payload) => {
      const recordingId = String(payload['recordingId']);
      if (this.state.recording?.id === recordingId) this.update({ recording: null });
      // Stopped by the server (consent withdrawn, call ended): the file still gets uploaded.
      void this.uploadRecording(recordingId);
    });
    on('recording-consent-updated', (payload) =>
      this.update({
        consents: {
          ...this.state.consents,
          [String(payload['userId'])]: payload['consented'] === true,
        },
      }),
    );
    this.unsubscribe.push(
      this.signaling.on('error', (payload) => {
        traceCall('signaling error', payload['event'], payload['code']);
        if (typeof payload['message'] === 'string') this.notify(payload['message']);
      }),
    );
    this.unsubscribe.push(
      this.signaling.onConnection((online) => {
        this.update({ signalingOnline: online });
        if (!online) this.wasOffline = true;
        else if (this.wasOffline && !this.state.ended && this.state.call) {
          this.wasOffline = false;
          void this.rejoin();
        }
      }),
    );
  }

  // --- peer connection --------------------------------------------------------------------------

  private ensureLink(): PeerLink {
    if (this.link) return this.link;
    traceCall('new peer link');
    const remoteId = this.state.remote?.userId ?? '';
    const configuration: RTCConfiguration = {
      iceServers: this.ice?.iceServers ?? [],
      iceTransportPolicy: this.ice?.iceTransportPolicy ?? 'all',
    };
    // The patient is the polite peer: when both offer at once, the clinician's offer wins.
    const link: PeerLink = new PeerLink(
      configuration,
      this.me.role !== 'provider',
      this.currentLocalStream(),
      {
        description: (sdp) => {
          traceCall('send', sdp.type);
          this.signaling.send(sdp.type === 'offer' ? 'offer' : 'answer', {
            callId: this.callId,
            to: remoteId,
            sdp,
          });
        },
        candidate: (candidate) => {
          traceCall('send candidate', candidate.candidate?.split(' ')[7] ?? '');
          this.signaling.send('ice-candidate', { callId: this.callId, to: remoteId, candidate });
        },
      },
      {
        remoteStream: (stream) => {
          if (this.link === link) this.update({ remoteStream: stream });
        },
        stateChange: (state) => {
          if (this.link !== link) return;
          traceCall('connection', state);
          if (state === 'connected') {
            this.updateRemote({ status: 'connected' });
            void this.sample(true);
          } else if (state === 'disconnected' || state === 'failed') {
            this.updateRemote({ status: 'reconnecting' });
            if (state === 'failed' && !this.remoteAway) void this.restartIce();
          }
        },
      },
    );
    this.link = link;
    this.counters = null;
    this.watchConnecting(link);
    traceCall(
      'ice configuration',
      configuration.iceTransportPolicy,
      configuration.iceServers?.length,
    );
    link.connection.addEventListener('icegatheringstatechange', () =>
      traceCall('gathering', link.connection.iceGatheringState),
    );
    if (this.screenTrack) void link.replaceVideoTrack(this.screenTrack);
    return link;
  }

  private currentLocalStream(): MediaStream | null {
    const stream = this.state.localStream;
    if (!stream) return null;
    const camera = stream.getVideoTracks()[0];
    if (camera && !this.state.cameraOn && !this.screenTrack) {
      // Camera off: keep the sender, send nothing.
      return new MediaStream(stream.getAudioTracks());
    }
    return stream;
  }

  private async receiveDescription(payload: Payload): Promise<void> {
    if (payload['from'] !== this.state.remote?.userId) return;
    const description = payload['sdp'] as RTCSessionDescriptionInit;
    try {
      const outcome = await this.ensureLink().receiveDescription(description);
      traceCall('received', description.type, outcome);
      if (outcome === 'replaced') {
        this.replaceLink();
        await this.ensureLink().receiveDescription(description);
      }
    } catch (error) {
      // A description this connection cannot take (the other side started over): start over too.
      traceCall('description refused', description.type, String(error));
      this.replaceLink();
      // A fresh link offers by itself (negotiationneeded); that is how both start over.
      this.ensureLink();
    }
  }

  private replaceLink(): void {
    this.link?.close();
    this.link = null;
    this.update({ remoteStream: null });
  }

  /**
   * A link whose negotiation is done but whose connection has not come up within a few seconds
   * (candidates lost in a crossing of offers, a network change meanwhile) gets an ICE restart,
   * a few times; 'failed' restarts it too (see stateChange).
   */
  private watchConnecting(link: PeerLink): void {
    let restarts = 0;
    let waitingSince = performance.now();
    const timer = window.setInterval(() => {
      const { connectionState, signalingState } = link.connection;
      if (this.link !== link || this.disposed || connectionState === 'closed') {
        window.clearInterval(timer);
        return;
      }
      if (connectionState === 'connected') {
        waitingSince = performance.now();
        return;
      }
      if (signalingState !== 'stable' && signalingState !== 'have-local-offer') {
        waitingSince = performance.now();
        return;
      }
      if (this.remoteAway || performance.now() - waitingSince < CONNECT_PATIENCE_MS) return;
      if (restarts >= MAX_CONNECT_RESTARTS) return;
      restarts += 1;
      waitingSince = performance.now();
      if (signalingState === 'have-local-offer') {
        // Our offer got no answer (it went out while they were not in the room): offer again.
        traceCall('offer unanswered: offering again', restarts);
        void link.offerAgain();
        return;
      }
      traceCall('no connection yet: ICE restart', restarts);
      void this.restartIce();
    }, 1_000);
  }

  /** ICE restart with fresh TURN credentials (they expire after TURN_TTL_SECONDS). */
  private async restartIce(): Promise<void> {
    const link = this.link;
    if (!link) return;
    try {
      await this.refreshIce();
      if (this.ice) {
        link.connection.setConfiguration({
          iceServers: this.ice.iceServers,
          iceTransportPolicy: this.ice.iceTransportPolicy,
        });
      }
    } catch {
      // Keep the old servers; the restart may still find a path.
    }
    link.restartIce();
  }

  private async refreshIce(): Promise<void> {
    this.ice = await this.api.get<IceConfiguration>(`/webrtc/ice-servers?callId=${this.callId}`);
  }

  private enqueue(work: () => Promise<void>): void {
    this.signalQueue = this.signalQueue.then(work).catch(() => undefined);
  }

  private stopScreenShare(): void {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    track.onended = null;
    track.stop();
    const camera = this.state.localStream?.getVideoTracks()[0] ?? null;
    void this.link?.replaceVideoTrack(this.state.cameraOn ? camera : null);
    this.update({ sharingScreen: false });
    this.reportMedia({ screenShare: false });
  }

  private reportMedia(change: { audio?: boolean; video?: boolean; screenShare?: boolean }): void {
    this.signaling
      .request('update-media', { callId: this.callId, ...change })
      .catch((error: unknown) => {
        this.notify(messageOf(error));
      });
  }

  /** Reads getStats for the indicator; every 10 s (or when asked) reports it to the server. */
  private async sample(report: boolean): Promise<void> {
    const link = this.link;
    if (!link || this.disposed) return;
    const reading = await sampleConnection(link.connection, this.state.sample, this.counters).catch(
      () => null,
    );
    if (!reading || this.link !== link) return;
    this.counters = reading.counters;
    this.update({ sample: reading.sample, quality: qualityLevel(reading.sample) });
    if (!report) return;
    const { rttMs, jitterMs, packetLossPct, bitrateKbps, candidateType } = reading.sample;
    this.signaling
      .request('connection-quality', {
        callId: this.callId,
        rttMs,
        jitterMs,
        packetLossPct,
        bitrateKbps,
        candidateType,
        connectionState: link.connection.connectionState,
      })
      .catch(() => undefined);
  }

  // --- recording upload -------------------------------------------------------------------------

  private async uploadRecording(recordingId: string): Promise<void> {
    const active = this.recorder;
    if (!active || active.id !== recordingId) return;
    this.recorder = null;
    this.update({ upload: 'uploading' });
    try {
      const file = await active.recorder.stop();
      await this.api.request(
        'PUT',
        `/webrtc/calls/${this.callId}/recordings/${recordingId}/media`,
        { blob: file },
      );
      this.update({ upload: 'saved' });
    } catch (error) {
      this.update({ upload: 'failed' });
      this.notify(`The recording could not be saved: ${messageOf(error)}`);
    }
  }

  // --- state --------------------------------------------------------------------------------------

  private async reloadCall(): Promise<void> {
    try {
      this.absorbCall(await this.api.getFresh<CallDetails>(`/webrtc/calls/${this.callId}`));
    } catch (error) {
      this.notify(messageOf(error));
    }
  }

  private finish(status: string, durationSeconds: number | null, notice?: string): void {
    if (this.state.ended) return;
    this.teardown();
    this.update({
      ended: { status, durationSeconds },
      phase: 'ended',
      remoteStream: null,
      localStream: null,
      notice: notice ?? this.state.notice,
    });
  }

  /** Every track stopped, the peer connection closed, timers and listeners gone. */
  private teardown(): void {
    window.clearInterval(this.samplingTimer);
    window.clearInterval(this.reportTimer);
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.link?.close();
    this.link = null;
    this.screenTrack?.stop();
    this.screenTrack = null;
    stopTracks(this.state.localStream);
    // A recording still running is finished and uploaded even though the call is over.
    if (this.recorder) void this.uploadRecording(this.recorder.id);
  }

  private updateRemote(change: Partial<RemoteParticipant>): void {
    if (!this.state.remote) return;
    this.update({ remote: { ...this.state.remote, ...change } });
  }

  private notify(message: string): void {
    this.update({ notice: message });
  }

  clearNotice(): void {
    this.update({ notice: null });
  }

  private update(change: Partial<CallView>): void {
    const next = { ...this.state, ...change };
    this.state = { ...next, phase: this.phaseOf(next) };
    for (const listener of this.listeners) listener();
  }

  private phaseOf(view: CallView): CallPhase {
    if (view.ended) return 'ended';
    if (!view.call) return 'loading';
    if (view.call.status === 'RINGING') return 'ringing';
    if (!view.signalingOnline || view.remote?.status === 'reconnecting') return 'reconnecting';
    if (view.remote?.status === 'connected') return 'connected';
    return 'connecting';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
