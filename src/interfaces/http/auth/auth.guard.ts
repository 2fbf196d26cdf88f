import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from '../../../domain/shared/actor.js';
import {
  SESSION_STATUS,
  type SessionStatus,
} from '../../../application/ports/session-status.port.js';
import {
  InvalidTokenError,
  TOKEN_ISSUER,
  type TokenIssuer,
  type VerifiedToken,
} from '../../../application/ports/token-issuer.port.js';
import { HttpError } from '../http-error.js';
import { ALLOWED_ROLES, PUBLIC_ROUTE, type AuthenticatedRequest } from './auth.decorators.js';

/**
 * Every route needs a valid bearer token unless marked @Public(); @Roles() narrows further. A
 * token of a login session is good only while the session is: it is asked on every request, so a
 * logout or a deactivation holds at once on every instance.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_ISSUER) private readonly tokens: TokenIssuer,
    @Inject(SESSION_STATUS) private readonly sessions: SessionStatus,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header ?? '');
    if (!match?.[1]) {
      throw new HttpError(
        401,
        'AUTH.TOKEN_MISSING',
        'An Authorization: Bearer <token> header is required',
      );
    }
    let verified: VerifiedToken;
    try {
      verified = await this.tokens.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new HttpError(401, 'AUTH.TOKEN_INVALID', error.message);
      throw error;
    }
    const { userId, role, sessionId, expiresAt } = verified;
    if (sessionId !== null && !(await this.sessions.isActive(sessionId, userId))) {
      throw new HttpError(
        401,
        'AUTH.SESSION_ENDED',
        'The session of this token has ended (logout, deactivation or expiry); log in again',
      );
    }
    // Only who acts becomes the actor: it is written into every event's metadata.
    request.actor = { userId, role };
    request.session = { sessionId, expiresAt };
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(request.actor.role)) {
      throw new HttpError(
        403,
        'AUTH.ROLE_FORBIDDEN',
        `This action is not available to the ${request.actor.role} role`,
      );
    }
    return true;
  }
}
