import type { CallState, ExistingCall } from '../../../domain/call/call.state.js';
import type { CallCommandResult } from '../../../application/call/call-command.result.js';

/** The call resource of the API contract, as the command side knows it. */
export function presentCall(state: ExistingCall) {
  const participants = Object.values(state.participants);
  const present = participants.filter((participant) => participant.status !== 'LEFT');
  return {
    id: state.callId,
    type: state.type,
    status: state.status,
    providerId: state.providerId,
    patientId: state.patientId,
    initiatorId: state.initiatorId,
    calleeId: state.calleeId,
    reason: state.reason,
    scheduledAt: state.scheduledAt,
    initiatedAt: state.initiatedAt,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    endedBy: state.endedBy,
    endReason: state.endReason,
    duration: state.durationSeconds,
    recordingEnabled: state.recordingEnabled,
    recordingConsentObtained:
      present.length > 0 && present.every((participant) => participant.consented),
    participants: participants.map((participant) => ({
      userId: participant.userId,
      role: participant.role,
      status: participant.status,
      joinedAt: participant.joinedAt,
      leftAt: participant.leftAt,
      videoEnabled: participant.media.video,
      audioEnabled: participant.media.audio,
      screenShareEnabled: participant.media.screenShare,
      consentedToRecording: participant.consented,
    })),
    recordings: Object.values(state.recordings).map(presentRecording),
  };
}

export function presentRecording(recording: ExistingCall['recordings'][string]) {
  return {
    id: recording.recordingId,
    status: recording.status,
    startedBy: recording.startedBy,
    startedAt: recording.startedAt,
    stoppedAt: recording.stoppedAt,
    stoppedBy: recording.stoppedBy,
    stopReason: recording.stopReason,
    duration: recording.durationSeconds,
    consentedParticipants: [...recording.consentedParticipants],
  };
}

export function isExistingCall(state: CallState): state is ExistingCall {
  return state.status !== 'NONE';
}

/** A command's answer: the resource plus where the ledger now stands. */
export function presentCallResult(
  result: Pick<CallCommandResult, 'state' | 'revision' | 'position'>,
) {
  if (!isExistingCall(result.state)) throw new Error('a call command left no call behind');
  return { ...presentCall(result.state), position: result.position, revision: result.revision };
}

/**
 * A recording command's answer: the recording it acted on plus where the ledger now stands, with
 * the recording's state for callers that present more of it.
 */
export function presentRecordingResult(
  result: Pick<CallCommandResult, 'state' | 'revision' | 'position'>,
  recordingId: string,
) {
  const recording = isExistingCall(result.state) ? result.state.recordings[recordingId] : undefined;
  if (!recording || !isExistingCall(result.state)) {
    throw new Error('the recording command left no recording behind');
  }
  return {
    recording,
    body: {
      ...presentRecording(recording),
      callId: result.state.callId,
      position: result.position,
      revision: result.revision,
    },
  };
}
