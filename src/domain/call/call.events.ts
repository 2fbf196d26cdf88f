import type { DomainEvent, JsonObject } from '../shared/event.js';
import type {
  CallType,
  DisconnectReason,
  InitialCallStatus,
  ParticipantLeftReason,
  QualitySuggestion,
  RecordingContentType,
  RecordingStopReason,
} from './call.values.js';

/**
 * Everything that can happen to a call, in the past tense. Data is plain JSON: ISO-8601 strings for
 * instants, `null` (never `undefined`) for "none", whole seconds for durations. Events live in the
 * stream `call-<callId>`, so they do not repeat the call id (except `CallInitiated`, which opens it).
 *
 * Types are aliases, not interfaces, so that they satisfy `JsonObject`.
 */

// --- Lifecycle -------------------------------------------------------------------------------

export type CallInitiated = DomainEvent<
  'CallInitiated',
  {
    callId: string;
    type: CallType;
    providerId: string;
    patientId: string;
    initiatorId: string;
    calleeId: string;
    /** SCHEDULED when `scheduledAt` is strictly after the initiation instant, else RINGING. */
    status: InitialCallStatus;
    scheduledAt: string | null;
    recordingEnabled: boolean;
    reason: string | null;
    initiatedAt: string;
  }
>;

export type CallRingingStarted = DomainEvent<'CallRingingStarted', { at: string }>;

export type CallAnswered = DomainEvent<'CallAnswered', { answeredBy: string; startedAt: string }>;

export type CallDeclined = DomainEvent<
  'CallDeclined',
  { declinedBy: string; reason: string | null; at: string }
>;

export type CallCancelled = DomainEvent<
  'CallCancelled',
  { cancelledBy: string; reason: string | null; at: string }
>;

export type CallEnded = DomainEvent<
  'CallEnded',
  {
    /** A party's user id, or `system` when the last participant left. */
    endedBy: string;
    /** Free text from the party, or `all_participants_left`. */
    reason: string | null;
    endedAt: string;
    durationSeconds: number;
  }
>;

export type CallMissed = DomainEvent<'CallMissed', { at: string; ringTimeoutSeconds: number }>;

export type CallFailed = DomainEvent<
  'CallFailed',
  { reason: string; details: JsonObject | null; at: string }
>;

// --- Participants and media -------------------------------------------------------------------

export type ParticipantJoined = DomainEvent<'ParticipantJoined', { userId: string; at: string }>;

export type ParticipantConnected = DomainEvent<
  'ParticipantConnected',
  { userId: string; at: string }
>;

/** Version 2 added `reason`; version 1 events were all `connection_lost`. */
export type ParticipantDisconnected = DomainEvent<
  'ParticipantDisconnected',
  { userId: string; at: string; reason: DisconnectReason }
>;

export type ParticipantReconnected = DomainEvent<
  'ParticipantReconnected',
  { userId: string; at: string }
>;

export type ParticipantLeft = DomainEvent<
  'ParticipantLeft',
  { userId: string; at: string; reason: ParticipantLeftReason }
>;

/** Carries the participant's full media state after the change, not just the changed flags. */
export type ParticipantMediaUpdated = DomainEvent<
  'ParticipantMediaUpdated',
  { userId: string; video: boolean; audio: boolean; screenShare: boolean; at: string }
>;

// --- Consent and recordings -------------------------------------------------------------------

export type RecordingConsentGiven = DomainEvent<
  'RecordingConsentGiven',
  { userId: string; at: string }
>;

export type RecordingConsentWithdrawn = DomainEvent<
  'RecordingConsentWithdrawn',
  { userId: string; at: string }
>;

export type RecordingStarted = DomainEvent<
  'RecordingStarted',
  {
    recordingId: string;
    startedBy: string;
    at: string;
    /** Every party whose consent was on record when the recording started (provider first). */
    consentedParticipants: string[];
  }
>;

export type RecordingStopped = DomainEvent<
  'RecordingStopped',
  {
    recordingId: string;
    /** The provider for `stopped_by_user`; `system` when a rule stopped it. */
    stoppedBy: string;
    reason: RecordingStopReason;
    at: string;
    durationSeconds: number;
  }
>;

/** The encrypted file is stored: STOPPED -> COMPLETED. */
export type RecordingUploaded = DomainEvent<
  'RecordingUploaded',
  {
    recordingId: string;
    sizeBytes: number;
    /** Hex SHA-256 of the plaintext. */
    sha256: string;
    storageKey: string;
    keyId: string;
    contentType: RecordingContentType;
    /** When retention ends and the recording is purged (unless held). */
    expiresAt: string;
    at: string;
  }
>;

/**
 * A COMPLETED recording was re-sealed under another key-encryption key: its media now lives at
 * `storageKey`, its data key wrapped by `toKeyId`; the object at `previousStorageKey` is removed.
 */
export type RecordingKeyRotated = DomainEvent<
  'RecordingKeyRotated',
  {
    recordingId: string;
    fromKeyId: string;
    toKeyId: string;
    storageKey: string;
    previousStorageKey: string;
    at: string;
  }
>;

/** STOPPED -> FAILED, e.g. `upload_timeout`. */
export type RecordingFailed = DomainEvent<
  'RecordingFailed',
  { recordingId: string; reason: string; at: string }
>;

/** The stored object (and with it the wrapped data key) is deleted: COMPLETED -> PURGED. */
export type RecordingPurged = DomainEvent<'RecordingPurged', { recordingId: string; at: string }>;

export type RecordingLegalHoldSet = DomainEvent<
  'RecordingLegalHoldSet',
  { recordingId: string; at: string }
>;

export type RecordingLegalHoldReleased = DomainEvent<
  'RecordingLegalHoldReleased',
  { recordingId: string; at: string }
>;

// --- Quality ---------------------------------------------------------------------------------

export type CallQualityDegraded = DomainEvent<
  'CallQualityDegraded',
  { userId: string; at: string; samples: JsonObject[]; suggestion: QualitySuggestion }
>;

/** The events that finish a call; each finished call has exactly one of them. */
export type CallFinished = CallDeclined | CallCancelled | CallEnded | CallMissed | CallFailed;

export type CallEvent =
  | CallInitiated
  | CallRingingStarted
  | CallAnswered
  | CallFinished
  | ParticipantJoined
  | ParticipantConnected
  | ParticipantDisconnected
  | ParticipantReconnected
  | ParticipantLeft
  | ParticipantMediaUpdated
  | RecordingConsentGiven
  | RecordingConsentWithdrawn
  | RecordingStarted
  | RecordingStopped
  | RecordingUploaded
  | RecordingKeyRotated
  | RecordingFailed
  | RecordingPurged
  | RecordingLegalHoldSet
  | RecordingLegalHoldReleased
  | CallQualityDegraded;

export type CallEventType = CallEvent['type'];

/** Every call event type, e.g. for subscriptions and projections that filter by type. */
export const CALL_EVENT_TYPES = [
  'CallInitiated',
  'CallRingingStarted',
  'CallAnswered',
  'CallDeclined',
  'CallCancelled',
  'CallEnded',
  'CallMissed',
  'CallFailed',
  'ParticipantJoined',
  'ParticipantConnected',
  'ParticipantDisconnected',
  'ParticipantReconnected',
  'ParticipantLeft',
  'ParticipantMediaUpdated',
  'RecordingConsentGiven',
  'RecordingConsentWithdrawn',
  'RecordingStarted',
  'RecordingStopped',
  'RecordingUploaded',
  'RecordingKeyRotated',
  'RecordingFailed',
  'RecordingPurged',
  'RecordingLegalHoldSet',
  'RecordingLegalHoldReleased',
  'CallQualityDegraded',
] as const satisfies readonly CallEventType[];

/** Fails to compile if a CallEvent type is missing from CALL_EVENT_TYPES. */
type _AllEventTypesListed =
  Exclude<CallEventType, (typeof CALL_EVENT_TYPES)[number]> extends never ? true : never;
const _allEventTypesListed: _AllEventTypesListed = true;
