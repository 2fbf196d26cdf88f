import type { DomainCommand, JsonObject } from '../shared/event.js';
import type {
  CallType,
  DisconnectReason,
  QualitySuggestion,
  RecordingContentType,
} from './call.values.js';

/**
 * What can be asked of a call, in the imperative. The call is addressed by its stream
 * (`call-<callId>`), the asking user by `metadata.actor` and the instant by `metadata.now`, so the
 * data holds only what the asker chooses. Participant, consent and media commands always act on the
 * actor themself: there is no field that names another user, so nobody can consent for another.
 */

type NoData = Readonly<Record<string, never>>;
/** The data of a command about one recording of the call. */
type OneRecording = { readonly recordingId: string };

// --- Lifecycle -------------------------------------------------------------------------------

export type InitiateCall = DomainCommand<
  'InitiateCall',
  {
    readonly callId: string;
    readonly providerId: string;
    readonly patientId: string;
    readonly type: CallType;
    readonly scheduledAt: string | null;
    readonly recordingEnabled: boolean;
    readonly reason: string | null;
    /** Configuration (not the request): may a patient start a call? */
    readonly patientsMayInitiate: boolean;
  }
>;

export type RingScheduledCall = DomainCommand<'RingScheduledCall', NoData>;

export type AnswerCall = DomainCommand<'AnswerCall', NoData>;

export type DeclineCall = DomainCommand<'DeclineCall', { readonly reason: string | null }>;

export type CancelCall = DomainCommand<'CancelCall', { readonly reason: string | null }>;

export type EndCall = DomainCommand<'EndCall', { readonly reason: string | null }>;

/** Sent by the ring timer. */
export type MarkCallMissed = DomainCommand<
  'MarkCallMissed',
  { readonly ringTimeoutSeconds: number }
>;

export type MarkCallFailed = DomainCommand<
  'MarkCallFailed',
  { readonly reason: string; readonly details: JsonObject | null }
>;

// --- Participants and media -------------------------------------------------------------------

export type JoinCall = DomainCommand<'JoinCall', NoData>;

export type MarkParticipantConnected = DomainCommand<'MarkParticipantConnected', NoData>;

/**
 * Sent by the gateway when a participant's socket drops, and by the presence sweeper when the
 * instance holding it stopped renewing its lease.
 */
export type DisconnectParticipant = DomainCommand<
  'DisconnectParticipant',
  { readonly userId: string; readonly reason: DisconnectReason }
>;

export type ReconnectParticipant = DomainCommand<
  'ReconnectParticipant',
  { readonly reconnectGraceSeconds: number }
>;

export type LeaveCall = DomainCommand<'LeaveCall', NoData>;

/** Sent by the reconnect-grace timer; a no-op when it fires late. */
export type ExpireDisconnectedParticipant = DomainCommand<
  'ExpireDisconnectedParticipant',
  { readonly userId: string; readonly reconnectGraceSeconds: number }
>;

/** Omitted flags keep their current value. */
export type UpdateMedia = DomainCommand<
  'UpdateMedia',
  { readonly video?: boolean; readonly audio?: boolean; readonly screenShare?: boolean }
>;

// --- Consent and recordings -------------------------------------------------------------------

export type GiveRecordingConsent = DomainCommand<'GiveRecordingConsent', NoData>;

export type WithdrawRecordingConsent = DomainCommand<'WithdrawRecordingConsent', NoData>;

export type StartRecording = DomainCommand<'StartRecording', OneRecording>;

export type StopRecording = DomainCommand<'StopRecording', OneRecording>;

/** The provider's encrypted upload is stored; the data describes the stored object. */
export type CompleteRecordingUpload = DomainCommand<
  'CompleteRecordingUpload',
  {
    readonly recordingId: string;
    readonly sizeBytes: number;
    /** Hex SHA-256 of the plaintext media. */
    readonly sha256: string;
    readonly storageKey: string;
    /** The key-encryption key that wraps the recording's data key. */
    readonly keyId: string;
    readonly contentType: RecordingContentType;
    readonly expiresAt: string;
  }
>;

/** Sent by the upload-timeout timer; a no-op once the recording left STOPPED. */
export type FailRecording = DomainCommand<
  'FailRecording',
  { readonly recordingId: string; readonly reason: string }
>;

/**
 * Sent by the key rotation (system only): the recording was re-sealed under the current KEK into
 * a new object at `storageKey`; the object it replaces is deleted afterwards.
 */
export type RotateRecordingKey = DomainCommand<
  'RotateRecordingKey',
  {
    readonly recordingId: string;
    readonly fromKeyId: string;
    readonly toKeyId: string;
    readonly storageKey: string;
  }
>;

/** Sent by the retention timer once the recording expired. */
export type PurgeRecording = DomainCommand<'PurgeRecording', OneRecording>;

/** Admins only: a held recording is never purged. */
export type SetRecordingLegalHold = DomainCommand<'SetRecordingLegalHold', OneRecording>;

export type ReleaseRecordingLegalHold = DomainCommand<'ReleaseRecordingLegalHold', OneRecording>;

// --- Quality ---------------------------------------------------------------------------------

export type RecordQualityDegradation = DomainCommand<
  'RecordQualityDegradation',
  {
    readonly userId: string;
    readonly samples: readonly JsonObject[];
    readonly suggestion: QualitySuggestion;
  }
>;

export type CallCommand =
  | InitiateCall
  | RingScheduledCall
  | AnswerCall
  | DeclineCall
  | CancelCall
  | EndCall
  | MarkCallMissed
  | MarkCallFailed
  | JoinCall
  | MarkParticipantConnected
  | DisconnectParticipant
  | ReconnectParticipant
  | LeaveCall
  | ExpireDisconnectedParticipant
  | UpdateMedia
  | GiveRecordingConsent
  | WithdrawRecordingConsent
  | StartRecording
  | StopRecording
  | CompleteRecordingUpload
  | FailRecording
  | PurgeRecording
  | RotateRecordingKey
  | SetRecordingLegalHold
  | ReleaseRecordingLegalHold
  | RecordQualityDegradation;

export type CallCommandType = CallCommand['type'];
