import { Inject, Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR, type Actor } from '../../domain/shared/actor.js';
import { ApplicationError } from '../application.errors.js';
import { LIVE_CONNECTIONS, type LiveConnections } from '../ports/live-connections.port.js';
import { SESSION_STORE, type SessionStore } from '../ports/session-store.port.js';
import { TOKEN_ISSUER, type TokenIssuer } from '../ports/token-issuer.port.js';
import { USER_DIRECTORY, type UserDirectory } from '../ports/user-directory.port.js';
import type { RequestContext } from '../request-context.js';
import { SessionAudit } from './session-audit.js';
import type { SessionTokens } from './session-tokens.js';

/** What a live connection of an ended session is told before it is closed. */
export const SESSION_ENDED = 'AUTH.SESSION_ENDED';

const invalidRefreshToken = (): ApplicationError =>
  new ApplicationError(
    'AUTH.REFRESH_TOKEN_INVALID',
    'unauthenticated',
    'The refresh token is unknown, expired, or its session has ended; log in again',
  );

/** Keeping a session going (refresh with single-use tokens) and ending it (logout). */
@Injectable()
export class SessionService {
  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(LIVE_CONNECTIONS) private readonly connections: LiveConnections,
    private readonly audit: SessionAudit,
  ) {}

  /**
   * A refresh token is good for one refresh. Presented again, it may have been stolen: the whole
   * session ends, for the thief and the owner alike, and the owner logs in again.
   */
  async refresh(refreshToken: string, context: RequestContext): Promise<SessionTokens> {
    const outcome = await this.sessions.refresh(refreshToken);
    if (outcome.kind === 'invalid') throw invalidRefreshToken();
    if (outcome.kind === 'reused') {
      if (outcome.ended) {
        await this.audit.sessionRevoked(outcome, 'refresh_reuse', SYSTEM_ACTOR, context);
        await this.connections.endSessions([outcome.sessionId], SESSION_ENDED);
      }
      throw new ApplicationError(
        'AUTH.REFRESH_TOKEN_REUSED',
        'unauthenticated',
        'This refresh token was used already, so its session has been ended; log in again',
      );
    }
    const user = await this.users.findById(outcome.userId);
    if (!user) throw invalidRefreshToken();
    const access = await this.tokens.issue({
      userId: user.id,
      role: user.role,
      sessionId: outcome.sessionId,
    });
    return { ...access, refreshToken: outcome.refreshToken, user };
  }

  /** Ends the caller's session: its access tokens are refused from now on, its sockets closed. */
  async logout(actor: Actor, sessionId: string | null, context: RequestContext): Promise<void> {
    if (sessionId === null) {
      throw new ApplicationError(
        'AUTH.NO_SESSION',
        'invalid',
        'This token comes from the identity provider and has no session here; log out there',
      );
    }
    if (await this.sessions.end(sessionId, 'logout')) {
      await this.audit.loggedOut(actor, sessionId, context);
      await this.audit.sessionRevoked(
        { sessionId, userId: actor.userId },
        'logout',
        actor,
        context,
      );
    }
    await this.connections.endSessions([sessionId], SESSION_ENDED);
  }
}
