/**
 * socket.io rooms of the /webrtc namespace:
 *   user:<userId>                    every socket of a user, joined at connection (call news)
 *   session:<sessionId>              every socket of a login session, joined at connection when
 *                                    the token names one (ended together at logout)
 *   call:<callId>                    every socket that joined the call (room news)
 *   call:<callId>:user:<userId>      the one socket through which a participant takes part
 *                                    (relayed offers, answers and candidates go here)
 */
export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
export const callRoom = (callId: string): string => `call:${callId}`;
export const callUserRoom = (callId: string, userId: string): string =>
  `call:${callId}:user:${userId}`;

const SESSION_ROOM_PREFIX = 'session:';

/** The session rooms a socket is in (one at most, unless a refresh moved it to another). */
export function sessionRoomsOf(rooms: ReadonlySet<string>): string[] {
  return [...rooms].filter((room) => room.startsWith(SESSION_ROOM_PREFIX));
}

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
