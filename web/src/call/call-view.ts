import type { CallDetails, User } from '../api/contract';
import type { RoomParticipant } from '../api/signaling-contract';
import type { ConnectionSample, QualityLevel } from './connection-sample';

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
  /** While uploading: the share of the recording the server holds, 0..1. */
  readonly uploadProgress: number;
  readonly signalingOnline: boolean;
  /** Devices refused or missing: the call goes on and the user is told why. */
  readonly mediaProblem: string | null;
  /** The latest refusal or failure worth telling the user. */
  readonly notice: string | null;
  readonly ended: { readonly status: string; readonly durationSeconds: number | null } | null;
}

const INITIAL_VIEW: CallView = {
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
  uploadProgress: 0,
  signalingOnline: true,
  mediaProblem: null,
  notice: null,
  ended: null,
};

const REMOTE_STATUS: Readonly<Record<RoomParticipant['status'], RemoteStatus>> = {
  INVITED: 'waiting',
  JOINING: 'connecting',
  CONNECTED: 'connecting',
  DISCONNECTED: 'reconnecting',
  LEFT: 'left',
};

const OVER: ReadonlySet<string> = new Set(['ENDED', 'MISSED', 'DECLINED', 'CANCELLED', 'FAILED']);

/** How the other participant's room status reads on screen. */
export function remoteStatusOf(participant: RoomParticipant): RemoteStatus {
  return REMOTE_STATUS[participant.status] ?? 'waiting';
}

export function isOver(call: CallDetails): boolean {
  return OVER.has(call.status);
}

/**
 * The call as this participant reads it, and what the view takes from it. `answeredAt` is when
 * call-answered said the call was answered: the read model may still say RINGING.
 */
export function viewOfCall(
  read: CallDetails,
  me: User,
  answeredAt: string | null,
  remote: RemoteParticipant | null,
): Pick<CallView, 'consents' | 'recording'> & {
  readonly call: CallDetails;
  readonly remote: RemoteParticipant;
} {
  const call: CallDetails =
    read.status === 'RINGING' && answeredAt
      ? { ...read, status: 'IN_PROGRESS', startedAt: read.startedAt ?? answeredAt }
      : read;
  const other = call.participants.find((participant) => participant.userId !== me.id);
  const otherId = other?.userId ?? (me.id === call.providerId ? call.patientId : call.providerId);
  const otherName =
    other?.displayName ??
    (me.id === call.providerId ? call.patientName : call.providerName) ??
    'The other participant';
  const consents = Object.fromEntries(
    call.participants.map((participant) => [participant.userId, participant.consentedToRecording]),
  );
  const active = call.recordings.find((recording) => recording.status === 'RECORDING');
  return {
    call,
    consents,
    recording: active ? { id: active.id, startedAt: active.startedAt } : null,
    remote: remote ?? {
      userId: otherId,
      name: otherName,
      status: 'waiting',
      audio: true,
      video: call.type !== 'AUDIO',
      screenShare: false,
    },
  };
}

function phaseOf(view: CallView): CallPhase {
  if (view.ended) return 'ended';
  if (!view.call) return 'loading';
  if (view.call.status === 'RINGING') return 'ringing';
  if (!view.signalingOnline || view.remote?.status === 'reconnecting') return 'reconnecting';
  if (view.remote?.status === 'connected') return 'connected';
  return 'connecting';
}

/** The view of one call session, and who renders it: every change is one new immutable view. */
export class CallViewStore {
  private state: CallView = INITIAL_VIEW;
  private readonly listeners = new Set<() => void>();

  get current(): CallView {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(change: Partial<CallView>): void {
    const next = { ...this.state, ...change };
    this.state = { ...next, phase: phaseOf(next) };
    for (const listener of this.listeners) listener();
  }

  updateRemote(change: Partial<RemoteParticipant>): void {
    if (!this.state.remote) return;
    this.update({ remote: { ...this.state.remote, ...change } });
  }

  notify(message: string): void {
    this.update({ notice: message });
  }

  close(): void {
    this.listeners.clear();
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
