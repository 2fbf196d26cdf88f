import {
  TERMINAL_CALL_STATUSES,
  type CallType,
  type MediaState,
  type ParticipantRole,
  type ParticipantStatus,
  type RecordingContentType,
  type RecordingStatus,
  type RecordingStopReason,
} from './call.values.js';

/**
 * What the decider remembers about a call: only what later rules need. A union keyed by `status`;
 * `NONE` is the state of a stream nobody has written to.
 */

export type ParticipantState = {
  readonly userId: string;
  readonly role: ParticipantRole;
  readonly status: ParticipantStatus;
  /** Last time they joined; kept after they leave. */
  readonly joinedAt: string | null;
  /** Set only while DISCONNECTED: the start of their reconnect grace. */
  readonly disconnectedAt: string | null;
  /** Last time they left; cleared when they join again. */
  readonly leftAt: string | null;
  readonly media: MediaState;
  /** Their own recording consent as it stands now. */
  readonly consented: boolean;
};

export type RecordingState = {
  readonly recordingId: string;
  readonly status: RecordingStatus;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly consentedParticipants: readonly string[];
  readonly stoppedAt: string | null;
  readonly stoppedBy: string | null;
  readonly stopReason: RecordingStopReason | null;
  readonly durationSeconds: number | null;
  /** The stored, encrypted file once uploaded (kept after a purge, for the record). */
  readonly media: RecordingMedia | null;
  readonly failedAt: string | null;
  readonly failureReason: string | null;
  readonly legalHold: boolean;
  readonly purgedAt: string | null;
};

export type RecordingMedia = {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly storageKey: string;
  readonly keyId: string;
  readonly contentType: RecordingContentType;
  readonly uploadedAt: string;
  readonly expiresAt: string;
};

/** Facts fixed at initiation plus what every status after it carries. */
type CallFacts = {
  readonly callId: string;
  readonly type: CallType;
  readonly providerId: string;
  readonly patientId: string;
  readonly initiatorId: string;
  readonly calleeId: string;
  readonly scheduledAt: string | null;
  readonly initiatedAt: string;
  readonly recordingEnabled: boolean;
  readonly reason: string | null;
  /** Keyed by user id: exactly the provider and the patient. */
  readonly participants: Readonly<Record<string, ParticipantState>>;
  /** Keyed by recording id. */
  readonly recordings: Readonly<Record<string, RecordingState>>;
  readonly activeRecordingId: string | null;
  /** When a participant's media first connected (ParticipantConnected); null while none did. */
  readonly mediaConnectedAt: string | null;
};

type NotEnded = {
  readonly endedAt: null;
  readonly endedBy: null;
  readonly durationSeconds: null;
  readonly endReason: null;
};

export type NoCall = { readonly status: 'NONE' };

export type ScheduledCall = CallFacts &
  NotEnded & { readonly status: 'SCHEDULED'; readonly startedAt: null };

export type RingingCall = CallFacts &
  NotEnded & { readonly status: 'RINGING'; readonly startedAt: null };

export type InProgressCall = CallFacts &
  NotEnded & { readonly status: 'IN_PROGRESS'; readonly startedAt: string };

export type EndedCall = CallFacts & {
  readonly status: 'ENDED';
  readonly startedAt: string;
  readonly endedAt: string;
  /** A party's user id, or `system`. */
  readonly endedBy: string;
  readonly durationSeconds: number;
  readonly endReason: string | null;
};

/** CANCELLED, DECLINED or MISSED: the call never started. */
export type UnansweredCall = CallFacts & {
  readonly status: 'CANCELLED' | 'DECLINED' | 'MISSED';
  readonly startedAt: null;
  readonly endedAt: string;
  /** Who cancelled or declined; `system` for a missed call. */
  readonly endedBy: string;
  readonly durationSeconds: null;
  readonly endReason: string | null;
};

export type FailedCall = CallFacts & {
  readonly status: 'FAILED';
  /** Set when it failed while in progress. */
  readonly startedAt: string | null;
  readonly endedAt: string;
  readonly endedBy: null;
  readonly durationSeconds: null;
  readonly endReason: string;
};

export type LiveCall = ScheduledCall | RingingCall | InProgressCall;
export type FinishedCall = EndedCall | UnansweredCall | FailedCall;
export type ExistingCall = LiveCall | FinishedCall;
export type CallState = NoCall | ExistingCall;

export const initialState = (): CallState => ({ status: 'NONE' });

export function isFinished(state: CallState): state is FinishedCall {
  return (TERMINAL_CALL_STATUSES as readonly string[]).includes(state.status);
}

/** Whole seconds between two ISO instants, rounded to the nearest second. */
export function secondsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

/**
 * The call's participant with this user id, if they are a party. Looked up through the provider and
 * patient ids, so an id such as `constructor` never finds a property of Object.prototype.
 */
export function participantOf(call: ExistingCall, userId: string): ParticipantState | undefined {
  return userId === call.providerId || userId === call.patientId
    ? call.participants[userId]
    : undefined;
}

/** Both participants, the provider first: the order every list in the events follows. */
export function participantsOf(call: ExistingCall): ParticipantState[] {
  return [call.participants[call.providerId], call.participants[call.patientId]].filter(
    (participant): participant is ParticipantState => participant !== undefined,
  );
}

export function recordingOf(call: ExistingCall, recordingId: string): RecordingState | undefined {
  return Object.hasOwn(call.recordings, recordingId) ? call.recordings[recordingId] : undefined;
}

/** In the call room, even if their connection dropped a moment ago. */
export function isPresent(participant: ParticipantState): boolean {
  return (
    participant.status === 'JOINING' ||
    participant.status === 'CONNECTED' ||
    participant.status === 'DISCONNECTED'
  );
}
