import { Inject, Injectable } from '@nestjs/common';
import { ApplicationError } from '../application.errors.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import { TOKEN_ISSUER, type TokenIssuer } from '../ports/token-issuer.port.js';
import {
  USER_DIRECTORY,
  type DirectoryUser,
  type UserDirectory,
} from '../ports/user-directory.port.js';

export interface LoginResult {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  readonly user: DirectoryUser;
}

/** Verifying against this hash when the email is unknown keeps both failures equally slow. */
const UNKNOWN_USER_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$7Hq1f0Hn4V0M3n1hR2rYl3cF0u9pQm8xkX8n2o5cQ1E';

@Injectable()
export class LoginService {
  constructor(
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
  ) {}

  async login(email: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByEmail(email.trim());
    const valid = await this.passwords.verify(user?.passwordHash ?? UNKNOWN_USER_HASH, password);
    if (!user || !valid) {
      // One message for both cases: the response must not reveal which emails exist.
      throw new ApplicationError(
        'AUTH.INVALID_CREDENTIALS',
        'unauthenticated',
        'Email or password is incorrect',
      );
    }
    const token = await this.tokens.issue({ userId: user.id, role: user.role, sessionId: null });
    return {
      ...token,
      user: { id: user.id, role: user.role, displayName: user.displayName },
    };
  }
}
