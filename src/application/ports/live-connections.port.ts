export const LIVE_CONNECTIONS = Symbol('LIVE_CONNECTIONS');

/**
 * The live connections (signaling sockets) of sessions and users, on every instance. Ending a
 * session or a user ends them at once, with the code the client is told (e.g. AUTH.SESSION_ENDED).
 */
export interface LiveConnections {
  endSessions(sessionIds: readonly string[], code: string): Promise<void>;
  endUser(userId: string, code: string): Promise<void>;
}
