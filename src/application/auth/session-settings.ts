export const SESSION_SETTINGS = Symbol('SESSION_SETTINGS');

export interface SessionSettings {
  /** A session (and every refresh token of it) ends this long after login, whatever happens. */
  readonly refreshTokenTtlSeconds: number;
}
