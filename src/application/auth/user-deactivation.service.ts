import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import { ApplicationError } from '../application.errors.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { LIVE_CONNECTIONS, type LiveConnections } from '../ports/live-connections.port.js';
import { SESSION_STORE, type SessionStore } from '../ports/session-store.port.js';
import {
  USER_DIRECTORY,
  type DirectoryUser,
  type UserDirectory,
} from '../ports/user-directory.port.js';
import type { RequestContext } from '../request-context.js';
import { SessionAudit } from './session-audit.js';
import { SESSION_ENDED } from './session.service.js';

export interface DeactivatedUser {
  readonly user: DirectoryUser;
  /** The sessions this deactivation ended (none when the user was inactive already). */
  readonly sessionsEnded: number;
}

/**
 * An admin takes a user's access away at once: no more logins or refreshes, every session
 * ended, every live connection closed.
 */
@Injectable()
export class UserDeactivation {
  constructor(
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(LIVE_CONNECTIONS) private readonly connections: LiveConnections,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: SessionAudit,
  ) {}

  async deactivate(
    admin: Actor,
    userId: string,
    context: RequestContext,
  ): Promise<DeactivatedUser> {
    // The user first: from this moment every session of theirs is refused, ended or not yet.
    const deactivation = await this.users.deactivate(userId, this.clock.now());
    if (!deactivation) {
      throw new ApplicationError('USER.NOT_FOUND', 'not_found', 'No user has this id');
    }
    const { user } = deactivation;
    if (deactivation.outcome === 'last_admin') {
      throw new ApplicationError(
        'USER.LAST_ADMIN',
        'conflict',
        'This is the only active admin: make another admin first, or nobody could manage accounts',
      );
    }
    const ended = await this.sessions.endAllOfUser(user.id, 'deactivated');
    if (deactivation.outcome === 'deactivated')
      await this.audit.userDeactivated(user, admin, context);
    for (const sessionId of ended) {
      await this.audit.sessionRevoked(
        { sessionId, userId: user.id },
        'deactivated',
        admin,
        context,
      );
    }
    await this.connections.endUser(user.id, SESSION_ENDED);
    return { user, sessionsEnded: ended.length };
  }
}
