import type { Actor } from '../shared/actor.js';
import type {
  AnswerCall,
  CallCommand,
  CancelCall,
  CompleteRecordingUpload,
  DeclineCall,
  DisconnectParticipant,
  EndCall,
  ExpireDisconnectedParticipant,
  FailRecording,
  GiveRecordingConsent,
  InitiateCall,
  JoinCall,
  LeaveCall,
  MarkCallFailed,
  MarkCallMissed,
  MarkParticipantConnected,
  PurgeRecording,
  ReconnectParticipant,
  RecordQualityDegradation,
  ReleaseRecordingLegalHold,
  RingScheduledCall,
  SetRecordingLegalHold,
  StartRecording,
  StopRecording,
  UpdateMedia,
  WithdrawRecordingConsent,
} from './call.commands.js';
import {
  CallAlreadyExistsError,
  CallAlreadyFinishedError,
  CallInitiatorMismatchError,
  CallNotCancellableError,
  CallNotFoundError,
  CallNotInProgressError,
  CallNotJoinableError,
  CallNotLiveError,
  CallNotRingingError,
  CallNotScheduledError,
  NotCallPartyError,
  NotCalleeError,
  NotInitiatorError,
  NotSelfError,
  ParticipantAlreadyPresentError,
  ParticipantNotConnectedError,
  ParticipantNotDisconnectedError,
  ParticipantNotJoiningError,
  ParticipantNotPresentError,
  PatientInitiationDisabledError,
  ReconnectGraceExpiredError,
  RecordingAdminOnlyError,
  RecordingAlreadyActiveError,
  RecordingAlreadyFailedError,
  RecordingAlreadyUploadedError,
  RecordingConsentMissingError,
  RecordingDisabledError,
  RecordingDuplicateIdError,
  RecordingNotActiveError,
  RecordingNotExpiredError,
  RecordingNotFoundError,
  RecordingNotStoppedError,
  RecordingProviderOnlyError,
  RecordingPurgedError,
  RecordingUnderLegalHoldError,
  RoleCannotInitiateError,
  SelfCallError,
  SystemOnlyError,
  UnknownParticipantError,
} from './call.errors.js';
import type {
  CallCancelled,
  CallDeclined,
  CallEnded,
  CallEvent,
  CallFailed,
  CallMissed,
  ParticipantLeft,
  RecordingStopped,
} from './call.events.js';
import {
  assertNever,
  evolve,
  isFinished,
  isPresent,
  participantOf,
  participantsOf,
  recordingOf,
  secondsBetween,
  type CallState,
  type ExistingCall,
  type LiveCall,
  type ParticipantState,
  type RecordingState,
} from './call.state.js';
import {
  SYSTEM_USER_ID,
  type ParticipantLeftReason,
  type RecordingStopReason,
} from './call.values.js';

/**
 * Decides what a command makes happen to a call, or throws the rule it breaks.
 *
 * Every handler checks in the same order, so the error a client sees is predictable:
 *   1. the call exists (CALL.NOT_FOUND) — done once below, before dispatch;
 *   2. the actor may send this command to this call at all (CALL.NOT_PARTY, CALL.SYSTEM_ONLY, then
 *      the party's part: CALL.NOT_CALLEE, CALL.NOT_INITIATOR, RECORDING.PROVIDER_ONLY);
 *   3. the call is not finished (CALL.ALREADY_FINISHED);
 *   4. the call's status (CALL.NOT_RINGING, ...);
 *   5. the participant's and the recording's own rules.
 *
 * When one command has several effects, events come cause first: e.g. `ParticipantJoined` then the
 * `RecordingStopped` it forces, `RecordingConsentWithdrawn` then `RecordingStopped`. The exception is
 * a call ending, where a running recording stops first so no recording outlives its call:
 * `RecordingStopped` (call_ended), the terminal event, then `ParticipantLeft` (call_ended) for each
 * participant still in the room.
 */
export function decide(command: CallCommand, state: CallState): readonly CallEvent[] {
  if (command.type === 'InitiateCall') return initiateCall(command, state);
  if (state.status === 'NONE') throw new CallNotFoundError();

  switch (command.type) {
    case 'RingScheduledCall':
      return ringScheduledCall(command, state);
    case 'AnswerCall':
      return answerCall(command, state);
    case 'DeclineCall':
      return declineCall(command, state);
    case 'CancelCall':
      return cancelCall(command, state);
    case 'EndCall':
      return endCall(command, state);
    case 'MarkCallMissed':
      return markCallMissed(command, state);
    case 'MarkCallFailed':
      return markCallFailed(command, state);
    case 'JoinCall':
      return joinCall(command, state);
    case 'MarkParticipantConnected':
      return markParticipantConnected(command, state);
    case 'DisconnectParticipant':
      return disconnectParticipant(command, state);
    case 'ReconnectParticipant':
      return reconnectParticipant(command, state);
    case 'LeaveCall':
      return leaveCall(command, state);
    case 'ExpireDisconnectedParticipant':
      return expireDisconnectedParticipant(command, state);
    case 'UpdateMedia':
      return updateMedia(command, state);
    case 'GiveRecordingConsent':
      return giveRecordingConsent(command, state);
    case 'WithdrawRecordingConsent':
      return withdrawRecordingConsent(command, state);
    case 'StartRecording':
      return startRecording(command, state);
    case 'StopRecording':
      return stopRecording(command, state);
    case 'CompleteRecordingUpload':
      return completeRecordingUpload(command, state);
    case 'FailRecording':
      return failRecording(command, state);
    case 'PurgeRecording':
      return purgeRecording(command, state);
    case 'SetRecordingLegalHold':
      return setRecordingLegalHold(command, state);
    case 'ReleaseRecordingLegalHold':
      return releaseRecordingLegalHold(command, state);
    case 'RecordQualityDegradation':
      return recordQualityDegradation(command, state);
    default:
      return assertNever(command);
  }
}

// --- Lifecycle -------------------------------------------------------------------------------

function initiateCall(command: InitiateCall, state: CallState): CallEvent[] {
  const { data } = command;
  const { actor, now } = command.metadata;
  if (state.status !== 'NONE') throw new CallAlreadyExistsError(state.callId);
  if (data.providerId === data.patientId) throw new SelfCallError();

  if (actor.role === 'provider') {
    if (actor.userId !== data.providerId) {
      throw new CallInitiatorMismatchError(actor.userId, 'provider');
    }
  } else if (actor.role === 'patient') {
    if (!data.patientsMayInitiate) throw new PatientInitiationDisabledError();
    if (actor.userId !== data.patientId) {
      throw new CallInitiatorMismatchError(actor.userId, 'patient');
    }
  } else {
    throw new RoleCannotInitiateError(actor.role);
  }

  const initiatorId = actor.userId;
  const scheduled = data.scheduledAt !== null && Date.parse(data.scheduledAt) > Date.parse(now);
  return [
    {
      type: 'CallInitiated',
      data: {
        callId: data.callId,
        type: data.type,
        providerId: data.providerId,
        patientId: data.patientId,
        initiatorId,
        calleeId: initiatorId === data.providerId ? data.patientId : data.providerId,
        status: scheduled ? 'SCHEDULED' : 'RINGING',
        scheduledAt: data.scheduledAt,
        recordingEnabled: data.recordingEnabled,
        reason: data.reason,
        initiatedAt: now,
      },
    },
  ];
}

function ringScheduledCall(command: RingScheduledCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireInitiator(call, actor);
  requireNotFinished(call);
  if (call.status !== 'SCHEDULED') throw new CallNotScheduledError(call.callId, call.status);
  return [{ type: 'CallRingingStarted', data: { at: now } }];
}

function answerCall(command: AnswerCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireCallee(call, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING') throw new CallNotRingingError(call.callId, call.status);
  return [{ type: 'CallAnswered', data: { answeredBy: actor.userId, startedAt: now } }];
}

function declineCall(command: DeclineCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireCallee(call, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING') throw new CallNotRingingError(call.callId, call.status);
  const declined: CallDeclined = {
    type: 'CallDeclined',
    data: { declinedBy: actor.userId, reason: command.data.reason, at: now },
  };
  return closeCall(call, declined, now);
}

function cancelCall(command: CancelCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireInitiator(call, actor);
  requireNotFinished(call);
  if (call.status !== 'SCHEDULED' && call.status !== 'RINGING') {
    throw new CallNotCancellableError(call.callId, call.status);
  }
  const cancelled: CallCancelled = {
    type: 'CallCancelled',
    data: { cancelledBy: actor.userId, reason: command.data.reason, at: now },
  };
  return closeCall(call, cancelled, now);
}

function endCall(command: EndCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireParty(call, actor);
  requireNotFinished(call);
  if (call.status !== 'IN_PROGRESS') throw new CallNotInProgressError(call.callId, call.status);
  const ended: CallEnded = {
    type: 'CallEnded',
    data: {
      endedBy: actor.userId,
      reason: command.data.reason,
      endedAt: now,
      durationSeconds: secondsBetween(call.startedAt, now),
    },
  };
  return closeCall(call, ended, now);
}

function markCallMissed(command: MarkCallMissed, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING') throw new CallNotRingingError(call.callId, call.status);
  const missed: CallMissed = {
    type: 'CallMissed',
    data: { at: now, ringTimeoutSeconds: command.data.ringTimeoutSeconds },
  };
  return closeCall(call, missed, now);
}

function markCallFailed(command: MarkCallFailed, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystemOrParty(call, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') {
    throw new CallNotLiveError(call.callId, call.status);
  }
  const failed: CallFailed = {
    type: 'CallFailed',
    data: { reason: command.data.reason, details: command.data.details, at: now },
  };
  return closeCall(call, failed, now);
}

// --- Participants and media -------------------------------------------------------------------

function joinCall(command: JoinCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  requireJoinable(call);
  if (participant.status !== 'INVITED' && participant.status !== 'LEFT') {
    throw new ParticipantAlreadyPresentError(participant.userId, participant.status);
  }
  const joined: CallEvent = { type: 'ParticipantJoined', data: { userId: actor.userId, at: now } };
  // A recording may only run while everyone in the room has consented.
  return participant.consented
    ? [joined]
    : [joined, ...stopActiveRecording(call, 'participant_without_consent', now)];
}

function markParticipantConnected(
  command: MarkParticipantConnected,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  requireJoinable(call);
  if (participant.status !== 'JOINING') {
    throw new ParticipantNotJoiningError(participant.userId, participant.status);
  }
  return [{ type: 'ParticipantConnected', data: { userId: actor.userId, at: now } }];
}

function disconnectParticipant(command: DisconnectParticipant, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  requireNotFinished(call);
  const participant = requireParticipant(call, command.data.userId);
  if (participant.status !== 'JOINING' && participant.status !== 'CONNECTED') {
    throw new ParticipantNotConnectedError(participant.userId, participant.status);
  }
  return [{ type: 'ParticipantDisconnected', data: { userId: participant.userId, at: now } }];
}

function reconnectParticipant(command: ReconnectParticipant, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  if (participant.status !== 'DISCONNECTED') {
    throw new ParticipantNotDisconnectedError(participant.userId, participant.status);
  }
  const { reconnectGraceSeconds } = command.data;
  if (!withinGrace(participant, now, reconnectGraceSeconds)) {
    throw new ReconnectGraceExpiredError(participant.userId, reconnectGraceSeconds);
  }
  return [{ type: 'ParticipantReconnected', data: { userId: participant.userId, at: now } }];
}

function leaveCall(command: LeaveCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  if (!isPresent(participant)) {
    throw new ParticipantNotPresentError(participant.userId, participant.status);
  }
  return leave(call, participant.userId, 'left', now);
}

/**
 * The reconnect-grace timer. Timers may fire late or twice, so anything but "still disconnected
 * and past the grace" (reconnected, left, call finished) is a quiet no-op, not an error.
 */
function expireDisconnectedParticipant(
  command: ExpireDisconnectedParticipant,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  const participant = requireParticipant(call, command.data.userId);
  if (isFinished(call) || participant.status !== 'DISCONNECTED') return [];
  if (withinGrace(participant, now, command.data.reconnectGraceSeconds)) return [];
  return leave(call, participant.userId, 'reconnect_grace_expired', now);
}

function updateMedia(command: UpdateMedia, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  requireJoinable(call);
  if (participant.status !== 'JOINING' && participant.status !== 'CONNECTED') {
    throw new ParticipantNotConnectedError(participant.userId, participant.status);
  }
  const current = participant.media;
  const next = {
    video: command.data.video ?? current.video,
    audio: command.data.audio ?? current.audio,
    screenShare: command.data.screenShare ?? current.screenShare,
  };
  if (
    next.video === current.video &&
    next.audio === current.audio &&
    next.screenShare === current.screenShare
  ) {
    return [];
  }
  return [
    { type: 'ParticipantMediaUpdated', data: { userId: participant.userId, ...next, at: now } },
  ];
}

// --- Consent and recordings -------------------------------------------------------------------

function giveRecordingConsent(command: GiveRecordingConsent, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  if (participant.consented) return [];
  return [{ type: 'RecordingConsentGiven', data: { userId: participant.userId, at: now } }];
}

function withdrawRecordingConsent(
  command: WithdrawRecordingConsent,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  if (!participant.consented) return [];
  return [
    { type: 'RecordingConsentWithdrawn', data: { userId: participant.userId, at: now } },
    ...stopActiveRecording(call, 'consent_withdrawn', now),
  ];
}

function startRecording(command: StartRecording, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireProvider(call, actor);
  requireNotFinished(call);
  if (call.status !== 'IN_PROGRESS') throw new CallNotInProgressError(call.callId, call.status);
  if (!call.recordingEnabled) throw new RecordingDisabledError(call.callId);
  if (call.activeRecordingId !== null)
    throw new RecordingAlreadyActiveError(call.activeRecordingId);
  const { recordingId } = command.data;
  if (recordingOf(call, recordingId) !== undefined)
    throw new RecordingDuplicateIdError(recordingId);

  // Stricter than "every CONNECTED participant": a party who has not joined (yet) still counts,
  // so a call run over REST alone cannot be recorded without the patient's consent.
  const participants = participantsOf(call);
  const missing = participants
    .filter((participant) => participant.status !== 'LEFT' && !participant.consented)
    .map((participant) => participant.userId);
  if (missing.length > 0) throw new RecordingConsentMissingError(missing);

  return [
    {
      type: 'RecordingStarted',
      data: {
        recordingId,
        startedBy: actor.userId,
        at: now,
        consentedParticipants: participants
          .filter((participant) => participant.consented)
          .map((participant) => participant.userId),
      },
    },
  ];
}

/** Not refused on a finished call: recordings may still finish after it (none can be running). */
function stopRecording(command: StopRecording, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireProvider(call, actor);
  const { recordingId } = command.data;
  const recording = recordingOf(call, recordingId);
  if (recording === undefined) throw new RecordingNotFoundError(recordingId);
  if (recording.status !== 'RECORDING') throw new RecordingNotActiveError(recordingId);
  return [recordingStopped(call, recordingId, actor.userId, 'stopped_by_user', now)];
}

// --- Recording media, retention and legal hold ------------------------------------------------
// None of these is refused on a finished call: recordings finish, expire and are purged after it.

function completeRecordingUpload(
  command: CompleteRecordingUpload,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  requireProvider(call, actor);
  const recording = requireRecording(call, command.data.recordingId);
  switch (recording.status) {
    case 'RECORDING':
      throw new RecordingNotStoppedError(recording.recordingId);
    case 'COMPLETED':
    case 'PURGED':
      throw new RecordingAlreadyUploadedError(recording.recordingId);
    case 'FAILED':
      throw new RecordingAlreadyFailedError(recording.recordingId);
    case 'STOPPED':
      return [{ type: 'RecordingUploaded', data: { ...command.data, at: now } }];
    default:
      return assertNever(recording.status);
  }
}

/** Late timers are normal: only a recording still waiting for its upload fails. */
function failRecording(command: FailRecording, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  const recording = requireRecording(call, command.data.recordingId);
  if (recording.status !== 'STOPPED') return [];
  return [
    {
      type: 'RecordingFailed',
      data: { recordingId: recording.recordingId, reason: command.data.reason, at: now },
    },
  ];
}

/** Only a stored recording is purged; one that never got media has nothing to delete. */
function purgeRecording(command: PurgeRecording, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  const recording = requireRecording(call, command.data.recordingId);
  if (recording.status !== 'COMPLETED' || recording.media === null) return [];
  if (recording.legalHold) throw new RecordingUnderLegalHoldError(recording.recordingId);
  if (Date.parse(now) < Date.parse(recording.media.expiresAt)) {
    throw new RecordingNotExpiredError(recording.recordingId, recording.media.expiresAt);
  }
  return [{ type: 'RecordingPurged', data: { recordingId: recording.recordingId, at: now } }];
}

function setRecordingLegalHold(command: SetRecordingLegalHold, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireAdmin(actor);
  const recording = requireRecording(call, command.data.recordingId);
  if (recording.status === 'PURGED') throw new RecordingPurgedError(recording.recordingId);
  if (recording.legalHold) return [];
  return [{ type: 'RecordingLegalHoldSet', data: { recordingId: recording.recordingId, at: now } }];
}

function releaseRecordingLegalHold(
  command: ReleaseRecordingLegalHold,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  requireAdmin(actor);
  const recording = requireRecording(call, command.data.recordingId);
  if (!recording.legalHold) return [];
  return [
    { type: 'RecordingLegalHoldReleased', data: { recordingId: recording.recordingId, at: now } },
  ];
}

// --- Quality ---------------------------------------------------------------------------------

function recordQualityDegradation(
  command: RecordQualityDegradation,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  const { userId, samples, suggestion } = command.data;
  requireSystemOrParty(call, actor);
  if (actor.role !== 'system' && actor.userId !== userId) {
    throw new NotSelfError(actor.userId, userId);
  }
  requireParticipant(call, userId);
  requireNotFinished(call);
  if (call.status !== 'IN_PROGRESS') throw new CallNotInProgressError(call.callId, call.status);
  return [
    { type: 'CallQualityDegraded', data: { userId, at: now, samples: [...samples], suggestion } },
  ];
}

// --- Shared rules -----------------------------------------------------------------------------

function requireParty(call: ExistingCall, actor: Actor): ParticipantState {
  const participant = actor.role === 'system' ? undefined : participantOf(call, actor.userId);
  if (participant === undefined) throw new NotCallPartyError(call.callId, actor.userId);
  return participant;
}

function requireSystem(commandType: CallCommand['type'], actor: Actor): void {
  if (actor.role !== 'system') throw new SystemOnlyError(commandType);
}

function requireSystemOrParty(call: ExistingCall, actor: Actor): void {
  if (actor.role !== 'system') requireParty(call, actor);
}

function requireCallee(call: ExistingCall, actor: Actor): void {
  requireParty(call, actor);
  if (actor.userId !== call.calleeId) throw new NotCalleeError(call.callId, actor.userId);
}

function requireInitiator(call: ExistingCall, actor: Actor): void {
  requireParty(call, actor);
  if (actor.userId !== call.initiatorId) throw new NotInitiatorError(call.callId, actor.userId);
}

function requireProvider(call: ExistingCall, actor: Actor): void {
  requireParty(call, actor);
  if (actor.userId !== call.providerId) throw new RecordingProviderOnlyError(call.callId);
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new RecordingAdminOnlyError();
}

function requireRecording(call: ExistingCall, recordingId: string): RecordingState {
  const recording = recordingOf(call, recordingId);
  if (recording === undefined) throw new RecordingNotFoundError(recordingId);
  return recording;
}

/** For system commands that name a user. */
function requireParticipant(call: ExistingCall, userId: string): ParticipantState {
  const participant = participantOf(call, userId);
  if (participant === undefined) throw new UnknownParticipantError(call.callId, userId);
  return participant;
}

function requireNotFinished(call: ExistingCall): asserts call is LiveCall {
  if (isFinished(call)) throw new CallAlreadyFinishedError(call.callId, call.status);
}

function requireJoinable(call: LiveCall): void {
  if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') {
    throw new CallNotJoinableError(call.callId, call.status);
  }
}

/** The grace includes its last instant: reconnecting exactly `graceSeconds` later still counts. */
function withinGrace(participant: ParticipantState, now: string, graceSeconds: number): boolean {
  const disconnectedAt = participant.disconnectedAt ?? now;
  return Date.parse(now) - Date.parse(disconnectedAt) <= graceSeconds * 1000;
}

function recordingStopped(
  call: ExistingCall,
  recordingId: string,
  stoppedBy: string,
  reason: RecordingStopReason,
  now: string,
): RecordingStopped {
  const recording = recordingOf(call, recordingId);
  return {
    type: 'RecordingStopped',
    data: {
      recordingId,
      stoppedBy,
      reason,
      at: now,
      durationSeconds: recording === undefined ? 0 : secondsBetween(recording.startedAt, now),
    },
  };
}

/** A rule (not a person) stops the running recording, if there is one. */
function stopActiveRecording(
  call: ExistingCall,
  reason: RecordingStopReason,
  now: string,
): RecordingStopped[] {
  return call.activeRecordingId === null
    ? []
    : [recordingStopped(call, call.activeRecordingId, SYSTEM_USER_ID, reason, now)];
}

/**
 * Takes a participant out of the room; if that empties the room of an IN_PROGRESS call, the call
 * ends too (`all_participants_left`).
 */
function leave(
  call: ExistingCall,
  userId: string,
  reason: ParticipantLeftReason,
  now: string,
): CallEvent[] {
  const left: ParticipantLeft = { type: 'ParticipantLeft', data: { userId, at: now, reason } };
  const after = evolve(call, left);
  if (after.status !== 'IN_PROGRESS' || participantsOf(after).some(isPresent)) return [left];
  const ended: CallEnded = {
    type: 'CallEnded',
    data: {
      endedBy: SYSTEM_USER_ID,
      reason: 'all_participants_left',
      endedAt: now,
      durationSeconds: secondsBetween(after.startedAt, now),
    },
  };
  return [left, ...closeCall(after, ended, now)];
}

/**
 * Every way a call finishes: stop the running recording, record the terminal event, then take
 * everyone still in the room out of it, so a finished call holds no recording and no participant.
 */
function closeCall(
  call: LiveCall,
  terminal: CallEnded | CallCancelled | CallDeclined | CallMissed | CallFailed,
  now: string,
): CallEvent[] {
  const stillPresent = participantsOf(call).filter(isPresent);
  return [
    ...stopActiveRecording(call, 'call_ended', now),
    terminal,
    ...stillPresent.map((participant): ParticipantLeft => ({
      type: 'ParticipantLeft',
      data: { userId: participant.userId, at: now, reason: 'call_ended' },
    })),
  ];
}
