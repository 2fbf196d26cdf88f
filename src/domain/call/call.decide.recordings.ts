import type {
  CompleteRecordingUpload,
  FailRecording,
  GiveRecordingConsent,
  PurgeRecording,
  RotateRecordingKey,
  ReleaseRecordingLegalHold,
  SetRecordingLegalHold,
  StartRecording,
  StopRecording,
  WithdrawRecordingConsent,
} from './call.commands.js';
import {
  CallNotInProgressError,
  RecordingAlreadyActiveError,
  RecordingAlreadyFailedError,
  RecordingAlreadyUploadedError,
  RecordingConsentMissingError,
  RecordingDisabledError,
  RecordingDuplicateIdError,
  RecordingKeyMismatchError,
  RecordingNotActiveError,
  RecordingNotCompletedError,
  RecordingNotExpiredError,
  RecordingNotFoundError,
  RecordingNotStoppedError,
  RecordingPurgedError,
  RecordingUnderLegalHoldError,
} from './call.errors.js';
import type { CallEvent } from './call.events.js';
import {
  requireParty,
  requireSystem,
  requireProvider,
  requireAdmin,
  requireRecording,
  requireNotFinished,
} from './call.guards.js';
import { recordingStopped, stopActiveRecording } from './call.closing.js';
import { assertNever } from '../shared/assert-never.js';
import { participantsOf, recordingOf, type ExistingCall } from './call.state.js';

// Recording consent, recordings, their media, retention and legal hold.

export function giveRecordingConsent(
  command: GiveRecordingConsent,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  const participant = requireParty(call, actor);
  requireNotFinished(call);
  if (participant.consented) return [];
  return [{ type: 'RecordingConsentGiven', data: { userId: participant.userId, at: now } }];
}

export function withdrawRecordingConsent(
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

export function startRecording(command: StartRecording, call: ExistingCall): CallEvent[] {
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
export function stopRecording(command: StopRecording, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireProvider(call, actor);
  const { recordingId } = command.data;
  const recording = recordingOf(call, recordingId);
  if (recording === undefined) throw new RecordingNotFoundError(recordingId);
  if (recording.status !== 'RECORDING') throw new RecordingNotActiveError(recordingId);
  return [recordingStopped(call, recordingId, actor.userId, 'stopped_by_user', now)];
}

// Recording media, retention and legal hold.
// None of these is refused on a finished call: recordings finish, expire and are purged after it.

export function completeRecordingUpload(
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
export function failRecording(command: FailRecording, call: ExistingCall): CallEvent[] {
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
export function purgeRecording(command: PurgeRecording, call: ExistingCall): CallEvent[] {
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

/**
 * Re-sealing under the current KEK. A recording already under `toKeyId` yields nothing, so a
 * repeated rotation appends nothing; one under a third key was rotated by someone else meanwhile.
 */
export function rotateRecordingKey(command: RotateRecordingKey, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  const { recordingId, fromKeyId, toKeyId, storageKey } = command.data;
  const recording = requireRecording(call, recordingId);
  if (recording.status !== 'COMPLETED' || recording.media === null) {
    throw new RecordingNotCompletedError(recordingId, recording.status);
  }
  const { media } = recording;
  if (media.keyId === toKeyId) return [];
  if (media.keyId !== fromKeyId) {
    throw new RecordingKeyMismatchError(recordingId, fromKeyId, media.keyId);
  }
  return [
    {
      type: 'RecordingKeyRotated',
      data: {
        recordingId,
        fromKeyId,
        toKeyId,
        storageKey,
        previousStorageKey: media.storageKey,
        at: now,
      },
    },
  ];
}

export function setRecordingLegalHold(
  command: SetRecordingLegalHold,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  requireAdmin(actor);
  const recording = requireRecording(call, command.data.recordingId);
  if (recording.status === 'PURGED') throw new RecordingPurgedError(recording.recordingId);
  if (recording.legalHold) return [];
  return [{ type: 'RecordingLegalHoldSet', data: { recordingId: recording.recordingId, at: now } }];
}

export function releaseRecordingLegalHold(
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
