/**
 * socket.io rooms of the /webrtc namespace:
 *   user:<userId>                    every socket of a user, joined at connection (call news)
 *   call:<callId>                    every socket that joined the call (room news)
 *   call:<callId>:user:<userId>      the one socket through which a participant takes part
 *                                    (relayed offers, answers and candidates go here)
 */
export const userRoom = (userId: string): string => `user:${userId}`;
export const callRoom = (callId: string): string => `call:${callId}`;
export const callUserRoom = (callId: string, userId: string): string =>
  `call:${callId}:user:${userId}`;

const CALL_ROOM = /^call:([0-9a-fA-F-]{36})$/;

/** The calls a socket is in, from its rooms. */
export function callIdsOf(rooms: ReadonlySet<string>): string[] {
  const ids: string[] = [];
  for (const room of rooms) {
    const match = CALL_ROOM.exec(room);
    if (match?.[1]) ids.push(match[1]);
  }
  return ids;
}
