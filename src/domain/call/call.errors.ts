import { DomainError } from '../shared/domain-error.js';

/**
 * Broken call rules. `code` is stable API; `kind` picks the HTTP status family.
 *
 *   CALL.NOT_FOUND                        not_found  a non-initiate command on a stream nobody wrote
 *   CALL.ALREADY_EXISTS                   conflict   InitiateCall on an existing call
 *   CALL.SELF_CALL                        invalid    provider and patient are the same user
 *   CALL.INITIATOR_MISMATCH               forbidden  initiating in someone else's name
 *   CALL.PATIENT_INITIATION_DISABLED      forbidden  a patient initiating while that is switched off
 *   CALL.ROLE_CANNOT_INITIATE             forbidden  neither a provider nor a patient
 *   CALL.NOT_SCHEDULED                    conflict   ringing a call that is not SCHEDULED
 *   CALL.NOT_RINGING                      conflict   answer / decline / miss outside RINGING
 *   CALL.NOT_IN_PROGRESS                  conflict   end / record / report quality outside IN_PROGRESS
 *   CALL.NOT_CANCELLABLE                  conflict   cancelling once the call was answered
 *   CALL.NOT_JOINABLE                     conflict   joining / connecting / media outside RINGING, IN_PROGRESS
 *   CALL.NOT_LIVE                         conflict   failing a call that was never ringing
 *   CALL.ALREADY_FINISHED                 conflict   anything that changes a terminal call
 *   CALL.NOT_CALLEE                       forbidden  answer / decline by anyone but the callee
 *   CALL.NOT_INITIATOR                    forbidden  ring / cancel by anyone but the initiator
 *   CALL.NOT_PARTY                        forbidden  the actor is neither the provider nor the patient
 *   CALL.SYSTEM_ONLY                      forbidden  a timer's or gateway's command sent by a user
 *   PARTICIPANT.UNKNOWN                   invalid    a system command names a user who is not a party
 *   PARTICIPANT.NOT_SELF                  forbidden  a party reporting on the other party
 *   PARTICIPANT.NOT_PRESENT               conflict   leaving without having joined
 *   PARTICIPANT.ALREADY_PRESENT           conflict   joining while joining, connected or disconnected
 *   PARTICIPANT.NOT_JOINING               conflict   marking connected someone who is not joining
 *   PARTICIPANT.NOT_CONNECTED             conflict   disconnect / media for someone not joining or connected
 *   PARTICIPANT.NOT_DISCONNECTED          conflict   reconnecting someone who is not disconnected
 *   PARTICIPANT.RECONNECT_GRACE_EXPIRED   conflict   reconnecting after the grace period
 *   RECORDING.PROVIDER_ONLY               forbidden  the patient starting or stopping a recording
 *   RECORDING.DISABLED                    conflict   the call was initiated without recording
 *   RECORDING.CONSENT_MISSING             conflict   a party still in the call has not consented
 *   RECORDING.ALREADY_ACTIVE              conflict   a second recording while one runs
 *   RECORDING.DUPLICATE_ID                conflict   a recording id this call already used
 *   RECORDING.NOT_FOUND                   not_found  stopping a recording this call never had
 *   RECORDING.NOT_ACTIVE                  conflict   stopping a recording that already stopped
 *   RECORDING.NOT_STOPPED                 conflict   uploading media while the recording still runs
 *   RECORDING.ALREADY_UPLOADED            conflict   a second upload (or an upload after the purge)
 *   RECORDING.ALREADY_FAILED              conflict   uploading after the upload timed out
 *   RECORDING.NOT_EXPIRED                 conflict   purging before the retention period ended
 *   RECORDING.LEGAL_HOLD                  conflict   purging a recording under legal hold
 *   RECORDING.PURGED                      conflict   holding a recording that is already purged
 *   RECORDING.ADMIN_ONLY                  forbidden  a legal hold set or released by a non-admin
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

// --- Lifecycle status -------------------------------------------------------------------------

export class CallNotScheduledError extends DomainError {
  readonly code = 'CALL.NOT_SCHEDULED';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(`Call ${callId} is ${status}, not SCHEDULED.`);
  }
}

export class CallNotRingingError extends DomainError {
  readonly code = 'CALL.NOT_RINGING';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(`Call ${callId} is ${status}, not RINGING.`);
  }
}

export class CallNotInProgressError extends DomainError {
  readonly code = 'CALL.NOT_IN_PROGRESS';
  readonly kind = 'conflict';
  constructor(callId: string, status: string) {
    super(`Call ${callId} is ${status}, not IN_PROGRESS.`);
  }
}

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

export class ParticipantNotPresentError extends DomainError {
  readonly code = 'PARTICIPANT.NOT_PRESENT';
  readonly kind = 'conflict';
  constructor(userId: string, status: string) {
    super(`User ${userId} is not in the call (participant status ${status}).`);
  }
}

export class ParticipantAlreadyPresentError extends DomainError {
  readonly code = 'PARTICIPANT.ALREADY_PRESENT';
  readonly kind = 'conflict';
  constructor(userId: string, status: string) {
    super(
      `User ${userId} is already in the call (participant status ${status}); reconnect or leave first.`,
    );
  }
}

export class ParticipantNotJoiningError extends DomainError {
  readonly code = 'PARTICIPANT.NOT_JOINING';
  readonly kind = 'conflict';
  constructor(userId: string, status: string) {
    super(`User ${userId} is not joining the call (participant status ${status}).`);
  }
}

export class ParticipantNotConnectedError extends DomainError {
  readonly code = 'PARTICIPANT.NOT_CONNECTED';
  readonly kind = 'conflict';
  constructor(userId: string, status: string) {
    super(`User ${userId} is not joining or connected (participant status ${status}).`);
  }
}

export class ParticipantNotDisconnectedError extends DomainError {
  readonly code = 'PARTICIPANT.NOT_DISCONNECTED';
  readonly kind = 'conflict';
  constructor(userId: string, status: string) {
    super(`User ${userId} is not disconnected (participant status ${status}); nothing to resume.`);
  }
}

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

export class RecordingAdminOnlyError extends DomainError {
  readonly code = 'RECORDING.ADMIN_ONLY';
  readonly kind = 'forbidden';
  constructor() {
    super('Only an admin may set or release a legal hold.');
  }
}
