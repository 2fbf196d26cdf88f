import { Inject, Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR, type Actor } from '../../domain/shared/actor.js';
import { CommandRunner } from '../command-runner.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import type { SessionEndReason } from '../ports/session-store.port.js';
import type { DirectoryUser } from '../ports/user-directory.port.js';
import type { RequestContext } from '../request-context.js';

/** Why a login was refused, for auditors (the caller is told only that it was refused). */
export type LoginFailure = 'unknown_account' | 'wrong_password' | 'deactivated';

export const SESSION_STREAM_PREFIX = 'session-';
export const LOGIN_FAILURE_STREAM_PREFIX = 'login-failure-';
export const USER_STREAM_PREFIX = 'user-';

export const sessionStreamId = (sessionId: string): string =>
  `${SESSION_STREAM_PREFIX}${sessionId}`;

/**
 * Records who logged in, who failed to, and how sessions ended, in the ledger (so the audit log
 * shows them with their origin). A session's events share its stream; each refused login gets a
 * stream of its own, named by a fresh id: never by the email typed, which may be anyone's.
 */
@Injectable()
export class SessionAudit {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  loginSucceeded(user: DirectoryUser, sessionId: string, context: RequestContext): Promise<void> {
    return this.runner.record(
      sessionStreamId(sessionId),
      { type: 'LoginSucceeded', data: { sessionId, userId: user.id } },
      { userId: user.id, role: user.role },
      context,
    );
  }

  /**
   * The attempt acts as the account it named, when there is one, so that an auditor following
   * that user sees it; otherwise as the system. Never the password, never an unmatched email.
   */
  loginFailed(
    user: DirectoryUser | null,
    reason: LoginFailure,
    context: RequestContext,
  ): Promise<void> {
    return this.runner.record(
      `${LOGIN_FAILURE_STREAM_PREFIX}${this.ids.newId()}`,
      { type: 'LoginFailed', data: { userId: user?.id ?? null, reason } },
      user ? { userId: user.id, role: user.role } : SYSTEM_ACTOR,
      context,
    );
  }

  loggedOut(actor: Actor, sessionId: string, context: RequestContext): Promise<void> {
    return this.runner.record(
      sessionStreamId(sessionId),
      { type: 'LoggedOut', data: { sessionId, userId: actor.userId } },
      actor,
      context,
    );
  }

  /** `actor`: the user logging out, the admin deactivating, the system seeing a token reused. */
  sessionRevoked(
    { sessionId, userId }: { readonly sessionId: string; readonly userId: string },
    reason: SessionEndReason,
    actor: Actor,
    context: RequestContext,
  ): Promise<void> {
    return this.runner.record(
      sessionStreamId(sessionId),
      { type: 'SessionRevoked', data: { sessionId, userId, reason } },
      actor,
      context,
    );
  }

  userDeactivated(user: DirectoryUser, actor: Actor, context: RequestContext): Promise<void> {
    return this.runner.record(
      `${USER_STREAM_PREFIX}${user.id}`,
      { type: 'UserDeactivated', data: { userId: user.id } },
      actor,
      context,
    );
  }
}
