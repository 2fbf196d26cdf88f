/** The REST resources of the API contract (DESIGN.md), as the web client reads them. */

export type Role = 'provider' | 'patient' | 'admin' | 'auditor' | 'analyst';

export interface User {
  readonly id: string;
  readonly role: Role;
  readonly displayName: string;
}

export interface LoginResponse {
  readonly accessToken: string;
  readonly user: User;
}

/*
 * The read side's resources are the server's own types (type-only: nothing of the server is
 * bundled), so the client cannot drift from what the API answers.
 */
export type { CallStatus, CallType } from '../../../src/domain/call/call.values.js';
export type {
  AuditEntry,
  CallDetails,
  CallStatistics,
  CallSummary,
  ParticipantView as Participant,
  RecordingView as Recording,
} from '../../../src/application/ports/call-read-model.port.js';
import type { CallSummary } from '../../../src/application/ports/call-read-model.port.js';

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
  readonly integrity: {
    readonly verified: boolean;
    readonly checkedEvents: number;
    readonly brokenAt: string | number | null;
  };
}

/** GET /audit/calls/:id/state?at= : the call folded from its events up to that instant. */
export interface CallStateAt {
  readonly callId: string;
  readonly at: string;
  readonly revision: number;
  readonly state: { readonly status: string } & Record<string, unknown>;
}
