export const SESSION_STATUS = Symbol('SESSION_STATUS');

/**
 * Whether a login session still holds: it ends at logout, when its refresh token is reused, and
 * when its user is deactivated. Every check of an access token asks, on every instance.
 */
export interface SessionStatus {
  /** True while the session may act; false once it ended (or never existed). */
  isActive(sessionId: string, userId: string): Promise<boolean>;
}
