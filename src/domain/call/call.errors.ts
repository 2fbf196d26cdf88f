import { DomainError } from '../shared/domain-error.js';
import type { CallStatus } from './call.values.js';

/**
 * Broken call rules. `code` is stable API; `kind` picks the HTTP status family. Every code, its
 * status and when it happens: docs/errors.md (checked against these classes by a unit test).
 *
 * Messages name ids and statuses only, never personal data.
 */

// --- Existence and initiation -----------------------------------------------------------------

export class CallNotFoundError extends DomainError {
  readonly code = 'CALL.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(callId: string | null = null) {
    super(callId === null ? 'The call does not exist.' : `Call ${callId} does not exist.`);
  }
}

export class CallAlreadyExistsError extends DomainError {
  readonly code = 'CALL.ALREADY_EXISTS';
  readonly kind = 'conflict';
  constructor(callId: string) {
    super(`Call ${callId} already exists.`);
  }
}

export class SelfCallError extends DomainError {
  readonly code = 'CALL.SELF_CALL';
  readonly kind = 'invalid';
  constructor() {
    super('A call needs two different people: the provider and the patient are the same user.');
  }
}

export class CallInitiatorMismatchError extends DomainError {
  readonly code = 'CALL.INITIATOR_MISMATCH';
  readonly kind = 'forbidden';
  constructor(actorId: string, role: 'provider' | 'patient') {
    super(`User ${actorId} may only initiate a call as its own ${role}.`);
  }
}

export class PatientInitiationDisabledError extends DomainError {
  readonly code = 'CALL.PATIENT_INITIATION_DISABLED';
  readonly kind = 'forbidden';
  constructor() {
    super('Patients may not initiate calls here; a provider has to call the patient.');
  }
}

export class RoleCannotInitiateError extends DomainError {
  readonly code = 'CALL.ROLE_CANNOT_INITIATE';
  readonly kind = 'forbidden';
  constructor(role: string) {
    super(`The ${role} role cannot initiate calls; only providers (and patients, if enabled) can.`);
  }
}

export class ScheduledInPastError extends DomainError {
  readonly code = 'CALL.SCHEDULED_IN_PAST';
  readonly kind = 'invalid';
  constructor() {
    super('The scheduled time (scheduledAt) is in the past; leave it out to ring the call now.');
  }
}

export class ScheduledTooFarAheadError extends DomainError {
  readonly code = 'CALL.SCHEDULED_TOO_FAR_AHEAD';
  readonly kind = 'invalid';
  constructor(maxDays: number) {
    super(`The scheduled time (scheduledAt) may be at most ${maxDays} days ahead.`);
  }
}

// --- Lifecycle status -------------------------------------------------------------------------

/** The error for a command that needs the call in exactly one status (same message for each). */
function callNotInStatus<Code extends string>(code: Code, needed: CallStatus) {
  return class extends DomainError {
    readonly code = code;
    readonly kind = 'conflict';
    constructor(callId: string, status: string) {
      super(`Call ${callId} is ${status}, not ${needed}.`);
    }
  };
}

export class CallNotScheduledError extends callNotInStatus('CALL.NOT_SCHEDULED', 'SCHEDULED') {}
export class CallNotRingingError extends callNotInStatus('CALL.NOT_RINGING', 'RINGING') {}
export class CallNotInProgressError extends callNotInStatus(
  'CALL.NOT_IN_PROGRESS',
  'IN_PROGRESS',
) {}

export class CallNotCancellableError extends DomainError {
  readonly code = 'CALL.NOT_CANCELLABLE';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(
      `Call ${callId} is ${status}: only a SCHEDULED or RINGING call can be cancelled; end it instead.`,
    );
  }
}

export class CallNotJoinableError extends DomainError {
  readonly code = 'CALL.NOT_JOINABLE';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(`Call ${callId} is ${status}: participants can take part only while it rings or runs.`);
  }
}

export class CallNotLiveError extends DomainError {
  readonly code = 'CALL.NOT_LIVE';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(`Call ${callId} is ${status}: only a RINGING or IN_PROGRESS call can fail.`);
  }
}

export class CallAlreadyFinishedError extends DomainError {
  readonly code = 'CALL.ALREADY_FINISHED';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(`Call ${callId} is already finished (${status}); it cannot change any more.`);
  }
}

// --- Who may act ------------------------------------------------------------------------------

export class NotCalleeError extends DomainError {
  readonly code = 'CALL.NOT_CALLEE';
  readonly kind = 'forbidden';
  constructor(callId: string, actorId: string) {
    super(`User ${actorId} is not the callee of call ${callId}; only the callee can do this.`);
  }
}

export class NotInitiatorError extends DomainError {
  readonly code = 'CALL.NOT_INITIATOR';
  readonly kind = 'forbidden';
  constructor(callId: string, actorId: string) {
    super(`User ${actorId} did not initiate call ${callId}; only the initiator can do this.`);
  }
}

export class NotCallPartyError extends DomainError {
  readonly code = 'CALL.NOT_PARTY';
  readonly kind = 'forbidden';
  constructor(callId: string, actorId: string) {
    super(`User ${actorId} is neither the provider nor the patient of call ${callId}.`);
  }
}

export class SystemOnlyError extends DomainError {
  readonly code = 'CALL.SYSTEM_ONLY';
  readonly kind = 'forbidden';
  constructor(commandType: string) {
    super(`Only the system may send ${commandType}.`);
  }
}

// --- Participants -----------------------------------------------------------------------------

export class UnknownParticipantError extends DomainError {
  readonly code = 'PARTICIPANT.UNKNOWN';
  readonly kind = 'invalid';
  constructor(callId: string, userId: string) {
    super(`User ${userId} is not a participant of call ${callId}.`);
  }
}

export class NotSelfError extends DomainError {
  readonly code = 'PARTICIPANT.NOT_SELF';
  readonly kind = 'forbidden';
  constructor(actorId: string, userId: string) {
    super(`User ${actorId} may only report for themselves, not for user ${userId}.`);
  }
}

/**
 * The error for a participant whose status does not allow the command: `User <id> <where they
 * are not> (participant status <status>)`, then what to do instead where there is something.
 */
function participantNotIn<Code extends string>(code: Code, where: string, instead?: string) {
  return class extends DomainError {
    readonly code = code;
    readonly kind = 'conflict';
    constructor(userId: string, status: string) {
      const advice = instead === undefined ? '' : `; ${instead}`;
      super(`User ${userId} ${where} (participant status ${status})${advice}.`);
    }
  };
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

export class ReconnectGraceExpiredError extends DomainError {
  readonly code = 'PARTICIPANT.RECONNECT_GRACE_EXPIRED';
  readonly kind = 'conflict';
  constructor(userId: string, graceSeconds: number) {
    super(
      `User ${userId} was disconnected for more than ${graceSeconds} seconds; join the call again.`,
    );
  }
}

// --- Recording --------------------------------------------------------------------------------

export class RecordingProviderOnlyError extends DomainError {
  readonly code = 'RECORDING.PROVIDER_ONLY';
  readonly kind = 'forbidden';
  constructor(callId: string) {
    super(`Only the provider of call ${callId} can start or stop its recordings.`);
  }
}

export class RecordingDisabledError extends DomainError {
  readonly code = 'RECORDING.DISABLED';
  readonly kind = 'conflict';
  constructor(callId: string) {
    super(`Call ${callId} was initiated without recording; it cannot be recorded.`);
  }
}

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

export class RecordingAlreadyActiveError extends DomainError {
  readonly code = 'RECORDING.ALREADY_ACTIVE';
  readonly kind = 'conflict';
  constructor(activeRecordingId: string) {
    super(`Recording ${activeRecordingId} is already running; stop it first.`);
  }
}

export class RecordingDuplicateIdError extends DomainError {
  readonly code = 'RECORDING.DUPLICATE_ID';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`This call already has a recording ${recordingId}.`);
  }
}

export class RecordingNotFoundError extends DomainError {
  readonly code = 'RECORDING.NOT_FOUND';
  readonly kind = 'not_found';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} does not belong to this call.`);
  }
}

export class RecordingNotActiveError extends DomainError {
  readonly code = 'RECORDING.NOT_ACTIVE';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} is not running.`);
  }
}

// --- Recording media, retention and legal hold --------------------------------------------------

export class RecordingNotStoppedError extends DomainError {
  readonly code = 'RECORDING.NOT_STOPPED';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} is still running; stop it before uploading its media.`);
  }
}

export class RecordingAlreadyUploadedError extends DomainError {
  readonly code = 'RECORDING.ALREADY_UPLOADED';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} already has its media; it can be uploaded only once.`);
  }
}

export class RecordingAlreadyFailedError extends DomainError {
  readonly code = 'RECORDING.ALREADY_FAILED';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} failed (no upload arrived in time); it takes no media now.`);
  }
}

export class RecordingNotExpiredError extends DomainError {
  readonly code = 'RECORDING.NOT_EXPIRED';
  readonly kind = 'conflict';
  constructor(recordingId: string, expiresAt: string) {
    super(`Recording ${recordingId} is kept until ${expiresAt}.`);
  }
}

export class RecordingUnderLegalHoldError extends DomainError {
  readonly code = 'RECORDING.LEGAL_HOLD';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} is under legal hold and cannot be purged.`);
  }
}

export class RecordingPurgedError extends DomainError {
  readonly code = 'RECORDING.PURGED';
  readonly kind = 'conflict';
  constructor(recordingId: string) {
    super(`Recording ${recordingId} was purged at the end of its retention period.`);
  }
}

/** A key rotation that started from a key the recording is no longer sealed with. */
export class RecordingKeyMismatchError extends DomainError {
  readonly code = 'RECORDING.KEY_MISMATCH';
  readonly kind = 'conflict';
  constructor(recordingId: string, expectedKeyId: string, actualKeyId: string) {
    super(
      `Recording ${recordingId} is sealed with key ${actualKeyId}, not ${expectedKeyId}; reload it and rotate again.`,
    );
  }
}

/** Only a stored, unpurged recording has media to re-seal. */
export class RecordingNotCompletedError extends DomainError {
  readonly code = 'RECORDING.NOT_COMPLETED';
  readonly kind = 'conflict';
  constructor(recordingId: string, status: string) {
    super(`Recording ${recordingId} is ${status}; only a COMPLETED recording can be re-sealed.`);
  }
}

export class RecordingAdminOnlyError extends DomainError {
  readonly code = 'RECORDING.ADMIN_ONLY';
  readonly kind = 'forbidden';
  constructor() {
    super('Only an admin may set or release a legal hold.');
  }
}
