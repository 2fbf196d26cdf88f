import { Inject, Injectable } from '@nestjs/common';
import { ApplicationError } from '../application.errors.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import { SESSION_STORE, type SessionStore } from '../ports/session-store.port.js';
import { TOKEN_ISSUER, type TokenIssuer } from '../ports/token-issuer.port.js';
import {
  USER_DIRECTORY,
  type DirectoryUser,
  type UserDirectory,
} from '../ports/user-directory.port.js';
import type { RequestContext } from '../request-context.js';
import { SessionAudit, type LoginFailure } from './session-audit.js';
import { SESSION_SETTINGS, type SessionSettings } from './session-settings.js';
import type { SessionTokens } from './session-tokens.js';

/** Verifying against this hash when the email is unknown keeps both failures equally slow. */
const UNKNOWN_USER_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$7Hq1f0Hn4V0M3n1hR2rYl3cF0u9pQm8xkX8n2o5cQ1E';

/**
 * Email and password in, a new session out. Every attempt that reaches here (the login limits
 * run first) is recorded, succeeded or failed.
 */
@Injectable()
export class LoginService {
  constructor(
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(PASSWORD_HASHER) private readonly passwords: PasswordHasher,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly audit: SessionAudit,
  ) {}

  async login(email: string, password: string, context: RequestContext): Promise<SessionTokens> {
    const user = await this.users.findByEmail(email.trim());
    const valid = await this.passwords.verify(user?.passwordHash ?? UNKNOWN_USER_HASH, password);
    if (!user) return this.refuse(null, 'unknown_account', context);
    const profile = { id: user.id, role: user.role, displayName: user.displayName };
    if (!valid) return this.refuse(profile, 'wrong_password', context);
    if (!user.active) return this.refuse(profile, 'deactivated', context);
    const { sessionId, refreshToken } = await this.sessions.open(
      user.id,
      this.settings.refreshTokenTtlSeconds,
    );
    const access = await this.tokens.issue({ userId: user.id, role: user.role, sessionId });
    // Recorded before the tokens are handed out: a login the ledger does not know never happened.
    await this.audit.loginSucceeded(profile, sessionId, context);
    return { ...access, refreshToken, user: profile };
  }

  private async refuse(
    user: DirectoryUser | null,
    reason: LoginFailure,
    context: RequestContext,
  ): Promise<never> {
    await this.audit.loginFailed(user, reason, context);
    // One answer for every case: the response must not reveal which emails exist, nor which
    // accounts are deactivated.
    throw new ApplicationError(
      'AUTH.INVALID_CREDENTIALS',
      'unauthenticated',
      'Email or password is incorrect',
    );
  }
}
