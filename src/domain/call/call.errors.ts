import { DomainError, domainError } from '../shared/domain-error.js';
import type { CallStatus } from './call.values.js';

/**
 * Broken call rules. `code` is stable API; `kind` picks the HTTP status family. Every code, its
 * status and when it happens: docs/errors.md (checked against these classes by a unit test).
 *
 * Messages name ids and statuses only, never personal data.
 */

// --- Existence and initiation -----------------------------------------------------------------

export class CallNotFoundError extends domainError(
  'CALL.NOT_FOUND',
  'not_found',
  (callId: string | null = null) =>
    callId === null ? 'The call does not exist.' : `Call ${callId} does not exist.`,
) {}

export class CallAlreadyExistsError extends domainError(
  'CALL.ALREADY_EXISTS',
  'conflict',
  (callId: string) => `Call ${callId} already exists.`,
) {}

export class SelfCallError extends domainError(
  'CALL.SELF_CALL',
  'invalid',
  () => 'A call needs two different people: the provider and the patient are the same user.',
) {}

export class CallInitiatorMismatchError extends domainError(
  'CALL.INITIATOR_MISMATCH',
  'forbidden',
  (actorId: string, role: 'provider' | 'patient') =>
    `User ${actorId} may only initiate a call as its own ${role}.`,
) {}

export class PatientInitiationDisabledError extends domainError(
  'CALL.PATIENT_INITIATION_DISABLED',
  'forbidden',
  () => 'Patients may not initiate calls here; a provider has to call the patient.',
) {}

export class RoleCannotInitiateError extends domainError(
  'CALL.ROLE_CANNOT_INITIATE',
  'forbidden',
  (role: string) =>
    `The ${role} role cannot initiate calls; only providers (and patients, if enabled) can.`,
) {}

export class ScheduledInPastError extends domainError(
  'CALL.SCHEDULED_IN_PAST',
  'invalid',
  () => 'The scheduled time (scheduledAt) is in the past; leave it out to ring the call now.',
) {}

export class ScheduledTooFarAheadError extends domainError(
  'CALL.SCHEDULED_TOO_FAR_AHEAD',
  'invalid',
  (maxDays: number) => `The scheduled time (scheduledAt) may be at most ${maxDays} days ahead.`,
) {}

// --- Lifecycle status -------------------------------------------------------------------------

/** The error for a command that needs the call in exactly one status (same message for each). */
function callNotInStatus<Code extends string>(code: Code, needed: CallStatus) {
  return domainError(
    code,
    'conflict',
    (callId: string, status: string) => `Call ${callId} is ${status}, not ${needed}.`,
  );
}

export class CallNotScheduledError extends callNotInStatus('CALL.NOT_SCHEDULED', 'SCHEDULED') {}
export class CallNotRingingError extends callNotInStatus('CALL.NOT_RINGING', 'RINGING') {}
export class CallNotInProgressError extends callNotInStatus(
  'CALL.NOT_IN_PROGRESS',
  'IN_PROGRESS',
) {}

export class CallNotCancellableError extends domainError(
  'CALL.NOT_CANCELLABLE',
  'conflict',
  (callId: string, status: string) =>
    `Call ${callId} is ${status}: only a SCHEDULED or RINGING call can be cancelled; end it instead.`,
) {}

export class CallNotJoinableError extends domainError(
  'CALL.NOT_JOINABLE',
  'conflict',
  (callId: string, status: string) =>
    `Call ${callId} is ${status}: participants can take part only while it rings or runs.`,
) {}

export class CallNotLiveError extends domainError(
  'CALL.NOT_LIVE',
  'conflict',
  (callId: string, status: string) =>
    `Call ${callId} is ${status}: only a RINGING or IN_PROGRESS call can fail.`,
) {}

export class CallAlreadyFinishedError extends domainError(
  'CALL.ALREADY_FINISHED',
  'conflict',
  (callId: string, status: string) =>
    `Call ${callId} is already finished (${status}); it cannot change any more.`,
) {}

// --- Who may act ------------------------------------------------------------------------------

export class NotCalleeError extends domainError(
  'CALL.NOT_CALLEE',
  'forbidden',
  (callId: string, actorId: string) =>
    `User ${actorId} is not the callee of call ${callId}; only the callee can do this.`,
) {}

export class NotInitiatorError extends domainError(
  'CALL.NOT_INITIATOR',
  'forbidden',
  (callId: string, actorId: string) =>
    `User ${actorId} did not initiate call ${callId}; only the initiator can do this.`,
) {}

export class NotCallPartyError extends domainError(
  'CALL.NOT_PARTY',
  'forbidden',
  (callId: string, actorId: string) =>
    `User ${actorId} is neither the provider nor the patient of call ${callId}.`,
) {}

export class SystemOnlyError extends domainError(
  'CALL.SYSTEM_ONLY',
  'forbidden',
  (commandType: string) => `Only the system may send ${commandType}.`,
) {}

// --- Participants -----------------------------------------------------------------------------

export class UnknownParticipantError extends domainError(
  'PARTICIPANT.UNKNOWN',
  'invalid',
  (callId: string, userId: string) => `User ${userId} is not a participant of call ${callId}.`,
) {}

export class NotSelfError extends domainError(
  'PARTICIPANT.NOT_SELF',
  'forbidden',
  (actorId: string, userId: string) =>
    `User ${actorId} may only report for themselves, not for user ${userId}.`,
) {}

/**
 * The error for a participant whose status does not allow the command: `User <id> <where they
 * are not> (participant status <status>)`, then what to do instead where there is something.
 */
function participantNotIn<Code extends string>(code: Code, where: string, instead?: string) {
  const advice = instead === undefined ? '' : `; ${instead}`;
  return domainError(
    code,
    'conflict',
    (userId: string, status: string) =>
      `User ${userId} ${where} (participant status ${status})${advice}.`,
  );
}

export class ParticipantNotPresentError extends participantNotIn(
  'PARTICIPANT.NOT_PRESENT',
  'is not in the call',
) {}
export class ParticipantAlreadyPresentError extends participantNotIn(
  'PARTICIPANT.ALREADY_PRESENT',
  'is already in the call',
  'reconnect or leave first',
) {}
export class ParticipantNotJoiningError extends participantNotIn(
  'PARTICIPANT.NOT_JOINING',
  'is not joining the call',
) {}
export class ParticipantNotConnectedError extends participantNotIn(
  'PARTICIPANT.NOT_CONNECTED',
  'is not joining or connected',
) {}
export class ParticipantNotDisconnectedError extends participantNotIn(
  'PARTICIPANT.NOT_DISCONNECTED',
  'is not disconnected',
  'nothing to resume',
) {}

export class ReconnectGraceExpiredError extends domainError(
  'PARTICIPANT.RECONNECT_GRACE_EXPIRED',
  'conflict',
  (userId: string, graceSeconds: number) =>
    `User ${userId} was disconnected for more than ${graceSeconds} seconds; join the call again.`,
) {}

// --- Recording --------------------------------------------------------------------------------

export class RecordingProviderOnlyError extends domainError(
  'RECORDING.PROVIDER_ONLY',
  'forbidden',
  (callId: string) => `Only the provider of call ${callId} can start or stop its recordings.`,
) {}

export class RecordingDisabledError extends domainError(
  'RECORDING.DISABLED',
  'conflict',
  (callId: string) => `Call ${callId} was initiated without recording; it cannot be recorded.`,
) {}

export class RecordingConsentMissingError extends DomainError {
  readonly code = 'RECORDING.CONSENT_MISSING';
  readonly kind = 'conflict';
  /** User ids of the parties still in the call who have not consented, provider first. */
  readonly missing: readonly string[];
  override readonly details: { readonly missing: readonly string[] };
  constructor(missing: readonly string[]) {
    super(
      `Recording needs the consent of everyone in the call; not consented: ${missing.join(', ')}.`,
    );
    this.missing = [...missing];
    this.details = { missing: this.missing };
  }
}

export class RecordingAlreadyActiveError extends domainError(
  'RECORDING.ALREADY_ACTIVE',
  'conflict',
  (activeRecordingId: string) =>
    `Recording ${activeRecordingId} is already running; stop it first.`,
) {}

export class RecordingDuplicateIdError extends domainError(
  'RECORDING.DUPLICATE_ID',
  'conflict',
  (recordingId: string) => `This call already has a recording ${recordingId}.`,
) {}

export class RecordingNotFoundError extends domainError(
  'RECORDING.NOT_FOUND',
  'not_found',
  (recordingId: string) => `Recording ${recordingId} does not belong to this call.`,
) {}

export class RecordingNotActiveError extends domainError(
  'RECORDING.NOT_ACTIVE',
  'conflict',
  (recordingId: string) => `Recording ${recordingId} is not running.`,
) {}

// --- Recording media, retention and legal hold --------------------------------------------------

export class RecordingNotStoppedError extends domainError(
  'RECORDING.NOT_STOPPED',
  'conflict',
  (recordingId: string) =>
    `Recording ${recordingId} is still running; stop it before uploading its media.`,
) {}

export class RecordingAlreadyUploadedError extends domainError(
  'RECORDING.ALREADY_UPLOADED',
  'conflict',
  (recordingId: string) =>
    `Recording ${recordingId} already has its media; it can be uploaded only once.`,
) {}

export class RecordingAlreadyFailedError extends domainError(
  'RECORDING.ALREADY_FAILED',
  'conflict',
  (recordingId: string) =>
    `Recording ${recordingId} failed (no upload arrived in time); it takes no media now.`,
) {}

export class RecordingNotExpiredError extends domainError(
  'RECORDING.NOT_EXPIRED',
  'conflict',
  (recordingId: string, expiresAt: string) =>
    `Recording ${recordingId} is kept until ${expiresAt}.`,
) {}

export class RecordingUnderLegalHoldError extends domainError(
  'RECORDING.LEGAL_HOLD',
  'conflict',
  (recordingId: string) => `Recording ${recordingId} is under legal hold and cannot be purged.`,
) {}

export class RecordingPurgedError extends domainError(
  'RECORDING.PURGED',
  'conflict',
  (recordingId: string) =>
    `Recording ${recordingId} was purged at the end of its retention period.`,
) {}

/** A key rotation that started from a key the recording is no longer sealed with. */
export class RecordingKeyMismatchError extends domainError(
  'RECORDING.KEY_MISMATCH',
  'conflict',
  (recordingId: string, expectedKeyId: string, actualKeyId: string) =>
    `Recording ${recordingId} is sealed with key ${actualKeyId}, not ${expectedKeyId}; reload it and rotate again.`,
) {}

/** Only a stored, unpurged recording has media to re-seal. */
export class RecordingNotCompletedError extends domainError(
  'RECORDING.NOT_COMPLETED',
  'conflict',
  (recordingId: string, status: string) =>
    `Recording ${recordingId} is ${status}; only a COMPLETED recording can be re-sealed.`,
) {}

export class RecordingAdminOnlyError extends domainError(
  'RECORDING.ADMIN_ONLY',
  'forbidden',
  () => 'Only an admin may set or release a legal hold.',
) {}
