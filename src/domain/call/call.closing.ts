import type {
  CallEnded,
  CallEvent,
  CallFailed,
  CallFinished,
  ParticipantLeft,
  RecordingStopped,
} from './call.events.js';
import { evolve } from './call.evolve.js';
import {
  isPresent,
  participantsOf,
  recordingOf,
  secondsBetween,
  type ExistingCall,
  type LiveCall,
} from './call.state.js';
import {
  NEVER_CONNECTED,
  SYSTEM_USER_ID,
  type ParticipantLeftReason,
  type RecordingStopReason,
} from './call.values.js';

// The effects several commands share: stopping a recording, leaving the room, closing a call.

export function recordingStopped(
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
export function stopActiveRecording(
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
 * ends too (`all_participants_left`). When the last one out is lost (their reconnect grace ran
 * out) and no participant's media ever connected, the call did not work at all: it becomes
 * FAILED (`never_connected`) instead.
 */
export function leave(
  call: ExistingCall,
  userId: string,
  reason: ParticipantLeftReason,
  now: string,
): CallEvent[] {
  const left: ParticipantLeft = { type: 'ParticipantLeft', data: { userId, at: now, reason } };
  const after = evolve(call, left);
  if (after.status !== 'IN_PROGRESS' || participantsOf(after).some(isPresent)) return [left];
  if (reason === 'reconnect_grace_expired' && after.mediaConnectedAt === null) {
    const failed: CallFailed = {
      type: 'CallFailed',
      data: { reason: NEVER_CONNECTED, details: null, at: now },
    };
    return [left, ...closeCall(after, failed, now)];
  }
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
export function closeCall(call: LiveCall, terminal: CallFinished, now: string): CallEvent[] {
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
