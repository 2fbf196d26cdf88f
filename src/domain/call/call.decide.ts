import type { CallCommand } from './call.commands.js';
import { CallNotFoundError } from './call.errors.js';
import type { CallEvent } from './call.events.js';
import {
  initiateCall,
  ringScheduledCall,
  answerCall,
  declineCall,
  cancelCall,
  endCall,
  markCallMissed,
  markCallFailed,
} from './call.decide.lifecycle.js';
import {
  joinCall,
  markParticipantConnected,
  disconnectParticipant,
  reconnectParticipant,
  leaveCall,
  expireDisconnectedParticipant,
  updateMedia,
} from './call.decide.participants.js';
import {
  giveRecordingConsent,
  withdrawRecordingConsent,
  startRecording,
  stopRecording,
  completeRecordingUpload,
  failRecording,
  purgeRecording,
  rotateRecordingKey,
  setRecordingLegalHold,
  releaseRecordingLegalHold,
} from './call.decide.recordings.js';
import { recordQualityDegradation } from './call.decide.quality.js';
import { assertNever } from '../shared/assert-never.js';
import type { CallState } from './call.state.js';

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
    case 'RotateRecordingKey':
      return rotateRecordingKey(command, state);
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
