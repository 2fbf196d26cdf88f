/** The REST resources of the API contract (docs/architecture.md), as the web client reads them. */

export type Role = 'provider' | 'patient' | 'admin' | 'auditor' | 'analyst';

export interface User {
  readonly id: string;
  readonly role: Role;
  readonly displayName: string;
}

/** What `POST /auth/login` and `POST /auth/refresh` answer. */
export interface LoginResponse {
  readonly accessToken: string;
  /** Present when the server keeps login sessions: `POST /auth/refresh` trades it, once. */
  readonly refreshToken?: string;
  readonly expiresInSeconds?: number;
  readonly user: User;
}

/** `POST /auth/refresh {refreshToken}`: a new pair; the old refresh token is spent. */
export interface RefreshResponse {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
  readonly user: User;
}

/*
 * The read side's resources are the server's own types (type-only: nothing of the server is
 * bundled), so the client cannot drift from what the API answers.
 */
export type { CallStatus, CallType } from '../../../src/domain/call/call.values.js';
import type {
  CallStatus,
  CallType,
  ParticipantRole,
  ParticipantStatus,
  RecordingStatus,
  RecordingStopReason,
} from '../../../src/domain/call/call.values.js';
export type {
  AuditEntry,
  CallDetails,
  CallStatistics,
  CallSummary,
  ParticipantView as Participant,
  RecordingView as Recording,
} from '../../../src/application/ports/call-read-model.port.js';
import type { CallSummary } from '../../../src/application/ports/call-read-model.port.js';

/** A recording as a call command's answer shows it. */
export interface CommandRecording {
  readonly id: string;
  readonly status: RecordingStatus;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly stoppedBy: string | null;
  readonly stopReason: RecordingStopReason | null;
  readonly duration: number | null;
  readonly consentedParticipants: readonly string[];
}

/**
 * What a call command answers (`POST /webrtc/calls` among them): the call as the ledger has it
 * once the command is stored, not the read model's `CallDetails` (no names, no quality), with
 * the ledger position to read one's own write at (`?minPosition=`) and the stream revision.
 */
export interface CallCommandResponse {
  readonly id: string;
  readonly type: CallType;
  readonly status: CallStatus;
  readonly providerId: string;
  readonly patientId: string;
  readonly initiatorId: string;
  readonly calleeId: string;
  readonly reason: string | null;
  readonly scheduledAt: string | null;
  readonly initiatedAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly endedBy: string | null;
  readonly endReason: string | null;
  readonly duration: number | null;
  readonly recordingEnabled: boolean;
  readonly recordingConsentObtained: boolean;
  readonly participants: ReadonlyArray<{
    readonly userId: string;
    readonly role: ParticipantRole;
    readonly status: ParticipantStatus;
    readonly joinedAt: string | null;
    readonly leftAt: string | null;
    readonly videoEnabled: boolean;
    readonly audioEnabled: boolean;
    readonly screenShareEnabled: boolean;
    readonly consentedToRecording: boolean;
  }>;
  readonly recordings: readonly CommandRecording[];
  readonly position: string | null;
  readonly revision: number;
}

/** What a recording command answers (`POST /webrtc/calls/:id/record`, `.../stop`). */
export interface RecordingCommandResponse extends CommandRecording {
  readonly callId: string;
  readonly position: string | null;
  readonly revision: number;
}

export interface CallHistory {
  readonly calls: CallSummary[];
  readonly total: number;
  readonly nextCursor: string | null;
}

export interface PatientDirectory {
  readonly patients: Array<{ readonly id: string; readonly displayName: string }>;
  readonly nextCursor: string | null;
}

export interface IceConfiguration {
  readonly iceServers: RTCIceServer[];
  readonly ttlSeconds: number;
  readonly iceTransportPolicy: RTCIceTransportPolicy;
}

export interface TimelineEvent {
  readonly position: string;
  readonly revision: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: { readonly userId: string; readonly role: string };
  readonly data: Record<string, unknown>;
}

export interface CallTimeline {
  readonly callId: string;
  readonly events: TimelineEvent[];
  readonly integrity: TimelineIntegrity;
}

/**
 * The timeline's verdict: the hash chain, the stream's head, and the newest signed checkpoint.
 * `verified` only when every event is in a checkpoint and each proof holds.
 */
export interface TimelineIntegrity {
  readonly verified: boolean;
  readonly status: 'verified' | 'not_yet_checkpointed' | 'failed';
  readonly checkedEvents: number;
  readonly brokenAt: string | number | null;
  /** The first thing that does not hold; null unless failed. */
  readonly problem: string | null;
  readonly checkpoint: {
    readonly treeSize: number;
    readonly signedAt: string;
    readonly checkpointedEvents: number;
    readonly notYetCheckpointed: number;
  } | null;
}

/** GET /audit/calls/:id/state?at= : the call folded from its events up to that instant. */
export interface CallStateAt {
  readonly callId: string;
  readonly at: string;
  readonly revision: number;
  readonly state: { readonly status: string } & Record<string, unknown>;
}
