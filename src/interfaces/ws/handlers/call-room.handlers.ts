import { roomSnapshot } from '../../../application/signaling/call-notifications.js';
import { ReconnectCallCommand } from '../../../application/call/commands/reconnect-call/reconnect-call.command.js';
import type { CallCommandResult } from '../../../application/call/call-command.result.js';
import { CallRefPayload } from '../payloads/signaling.payloads.js';
import { callRoom, callUserRoom } from '../rooms.js';
import type { AckSuccess } from '../signal-error.js';
import { defineHandler, type SignalContext } from './signal-handler.js';

function roomsOf(callId: string, userId: string): [string, string] {
  return [callRoom(callId), callUserRoom(callId, userId)];
}

/**
 * Runs a join or reconnect with the socket already in its own room of the call (where offers and
 * candidates for this user are relayed), so that what the other participant sends as soon as it
 * hears `participant-joined` (an offer, at once) finds this socket: the ledger's notification can
 * reach them before this handler would otherwise have joined. Only that private room: the call's
 * shared room, where call news goes, waits until the command has said the user belongs there. If
 * the command is refused, the socket leaves the room again (unless it was in it before).
 */
async function withOwnCallRoomJoined<Result extends CallCommandResult>(
  context: SignalContext,
  callId: string,
  command: () => Promise<Result>,
): Promise<Result> {
  const { socket, actor } = context;
  const ownRoom = callUserRoom(callId, actor.userId);
  const wasIn = socket.rooms.has(ownRoom);
  socket.join(ownRoom);
  try {
    return await command();
  } catch (error) {
    if (!wasIn) void socket.leave(ownRoom);
    throw error;
  }
}

/**
 * Records the socket as in the call (it may now send offers and the like). On a reconnect, any
 * other socket of the same participant is taken out of the call's rooms first (on whichever
 * instance it lives): the newest connection is the one that takes part, and the old one's
 * eventual disconnect then records nothing.
 */
async function enterCall(
  context: SignalContext,
  { state: call, revision }: CallCommandResult,
  evictOthers: boolean,
): Promise<AckSuccess> {
  if (call.status === 'NONE') throw new Error('a call command left no call behind');
  const { socket, actor, server } = context;
  const rooms = roomsOf(call.callId, actor.userId);
  if (evictOthers) server.in(rooms[1]).except(socket.id).socketsLeave(rooms);
  socket.join(rooms);
  socket.data.calls[call.callId] = {
    providerId: call.providerId,
    patientId: call.patientId,
    revision,
  };
  context.quality.heardFrom(socket, call.callId);
  await context.presence.held(call.callId);
  return { ok: true, ...roomSnapshot(call) };
}

export function leaveCallRooms(context: SignalContext, callId: string): void {
  const { socket, actor } = context;
  void socket.leave(callRoom(callId));
  void socket.leave(callUserRoom(callId, actor.userId));
  delete socket.data.calls[callId];
  context.presence.left(callId);
}

/** join-call {callId}: only a participant, only while the call rings or runs. */
export const joinCall = defineHandler({
  payload: CallRefPayload,
  async handle(context, { callId }) {
    const result = await withOwnCallRoomJoined(context, callId, () =>
      context.calls.execute(
        callId,
        { type: 'JoinCall', data: {} },
        context.actor,
        context.requestContext(),
      ),
    );
    return enterCall(context, result, false);
  },
});

/** leave-call {callId}: the participant leaves; the last one out ends the call. */
export const leaveCall = defineHandler({
  payload: CallRefPayload,
  async handle(context, { callId }) {
    await context.calls.execute(
      callId,
      { type: 'LeaveCall', data: {} },
      context.actor,
      context.requestContext(),
    );
    leaveCallRooms(context, callId);
    return { ok: true, callId };
  },
});

/** reconnect-call {callId}: back within the reconnect grace (or a resume on a new socket). */
export const reconnectCall = defineHandler({
  payload: CallRefPayload,
  async handle(context, { callId }) {
    const result = await withOwnCallRoomJoined(context, callId, () =>
      context.commands.execute(
        new ReconnectCallCommand(callId, context.actor, context.requestContext()),
      ),
    );
    return { ...(await enterCall(context, result, true)), resumed: result.resumed };
  },
});
