import type {
  DisconnectParticipant,
  ExpireDisconnectedParticipant,
  JoinCall,
  LeaveCall,
  MarkParticipantConnected,
  ReconnectParticipant,
  UpdateMedia,
} from './call.commands.js';
import {
  ParticipantAlreadyPresentError,
  ParticipantNotConnectedError,
  ParticipantNotDisconnectedError,
  ParticipantNotJoiningError,
  ParticipantNotPresentError,
  ReconnectGraceExpiredError,
} from './call.errors.js';
import type { CallEvent } from './call.events.js';
import {
  requireParty,
  requireSystem,
  requireParticipant,
  requireNotFinished,
  requireJoinable,
  withinGrace,
} from './call.guards.js';
import { stopActiveRecording, leave } from './call.closing.js';
import { isFinished, isPresent, type ExistingCall } from './call.state.js';

// Who is in the room and with which media: joining, leaving, dropping and coming back.

export function joinCall(command: JoinCall, call: ExistingCall): CallEvent[] {
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

export function markParticipantConnected(
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

export function disconnectParticipant(
  command: DisconnectParticipant,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  requireNotFinished(call);
  const participant = requireParticipant(call, command.data.userId);
  if (participant.status !== 'JOINING' && participant.status !== 'CONNECTED') {
    throw new ParticipantNotConnectedError(participant.userId, participant.status);
  }
  return [
    {
      type: 'ParticipantDisconnected',
      data: { userId: participant.userId, at: now, reason: command.data.reason },
    },
  ];
}

export function reconnectParticipant(
  command: ReconnectParticipant,
  call: ExistingCall,
): CallEvent[] {
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

export function leaveCall(command: LeaveCall, call: ExistingCall): CallEvent[] {
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
export function expireDisconnectedParticipant(
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

export function updateMedia(command: UpdateMedia, call: ExistingCall): CallEvent[] {
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
