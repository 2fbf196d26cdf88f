import type { DirectoryUser } from '../ports/user-directory.port.js';

/** What a login or a refresh answers: a short access token, the next refresh token, the user. */
export interface SessionTokens {
  readonly accessToken: string;
  /** Works once: refreshing answers a new one, and presenting this one again ends the session. */
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
  readonly user: DirectoryUser;
}
