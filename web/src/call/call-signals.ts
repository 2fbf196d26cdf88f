import type { User } from '../api/contract';
import type { CallEventName, ServerEvents } from '../api/signaling-contract';
import type { SignalingClient } from '../signaling/signaling-client';
import { traceCall } from './call-debug';
import type { CallNegotiation } from './call-negotiation';
import type { CallQualityMonitor } from './call-quality-monitor';
import type { CallRecordingControls } from './call-recording-controls';
import type { CallViewStore } from './call-view';

/** What the call's signals act on. */
export interface CallSignalTarget {
  readonly callId: string;
  readonly me: User;
  readonly signaling: SignalingClient;
  readonly view: CallViewStore;
  readonly negotiation: CallNegotiation;
  readonly quality: CallQualityMonitor;
  readonly recording: CallRecordingControls;
  isDisposed(): boolean;
  /** call-answered said when; the read model may not have it yet. */
  answered(startedAt: string): void;
  finish(status: string, durationSeconds: number | null): void;
  /** Back online after a drop: into the room again. */
  rejoin(): Promise<void>;
}

/**
 * What each server event does to this participant's side of the call. Room news about the user
 * themselves is ignored, and so are events of other calls. Returns what stops listening.
 */
export function followCallSignals(target: CallSignalTarget): Array<() => void> {
  const { callId, me, signaling, view, negotiation, recording } = target;
  const stops: Array<() => void> = [];
  const on = <Event extends CallEventName>(
    event: Event,
    handler: (payload: ServerEvents[Event]) => void,
  ): void => {
    stops.push(
      signaling.on(event, (payload) => {
        if (payload.callId === callId && !target.isDisposed()) handler(payload);
      }),
    );
  };
  const aboutOther = (payload: { readonly userId: string }) => payload.userId !== me.id;

  on('call-answered', (payload) => target.answered(payload.startedAt));
  on('call-ended', (payload) => target.finish(payload.status, payload.durationSeconds));
  on('call-cancelled', () => target.finish('CANCELLED', null));
  on('participant-joined', (payload) => {
    if (!aboutOther(payload)) return;
    traceCall('participant-joined', payload.reconnected);
    negotiation.setRemoteAway(false);
    // Ledger-driven news may arrive after the media already flows: it must not set us back.
    view.updateRemote({ status: negotiation.isConnected ? 'connected' : 'connecting' });
    // No link made here: the newcomer offers (see CallSession's absorbRoom), its offer makes ours.
  });
  on('participant-disconnected', (payload) => {
    if (!aboutOther(payload)) return;
    negotiation.setRemoteAway(true);
    view.updateRemote({ status: 'reconnecting' });
  });
  on('participant-left', (payload) => {
    if (!aboutOther(payload)) return;
    view.updateRemote({ status: 'left' });
    negotiation.dropLink();
  });
  on('participant-media-updated', (payload) => {
    if (!aboutOther(payload)) return;
    view.updateRemote({
      audio: payload.audio,
      video: payload.video,
      screenShare: payload.screenShare,
    });
  });
  on('offer', (payload) => negotiation.receiveDescription(payload));
  on('answer', (payload) => negotiation.receiveDescription(payload));
  on('ice-candidate', (payload) => negotiation.receiveCandidate(payload));
  on('quality-warning', (payload) => view.update({ qualityWarning: { userId: payload.userId } }));
  on('request-quality-stats', () => void target.quality.sample(true));
  on('recording-started', (payload) => recording.started(payload));
  on('recording-stopped', (payload) => recording.stopped(payload.recordingId));
  on('recording-consent-updated', (payload) =>
    view.update({ consents: { ...view.current.consents, [payload.userId]: payload.consented } }),
  );

  stops.push(
    signaling.on('error', (payload) => {
      traceCall('signaling error', payload.event, payload.code);
      view.notify(payload.message);
    }),
  );
  let wasOffline = false;
  stops.push(
    signaling.onConnection((online) => {
      view.update({ signalingOnline: online });
      if (!online) wasOffline = true;
      else if (wasOffline && !view.current.ended && view.current.call) {
        wasOffline = false;
        void target.rejoin();
      }
    }),
  );
  return stops;
}
