import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, UserRole } from '../../../domain/shared/actor.js';

export const PUBLIC_ROUTE = 'auth:public';
export const ALLOWED_ROLES = 'auth:roles';

/** The route needs no token (login, health, metrics, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route; others get 403. */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_ROLES, roles);

export interface AuthenticatedRequest extends Request {
  actor?: Actor & { role: UserRole };
  /** The token's session and expiry, beside the actor (never part of it). */
  session?: TokenSession;
}

export interface TokenSession {
  /** Null for tokens of an identity provider (JWKS_URL), which have no session here. */
  readonly sessionId: string | null;
  readonly expiresAt: Date;
}

/** The session of the caller's access token, set by the auth guard. */
export const CurrentSession = createParamDecorator(
  (_: unknown, context: ExecutionContext): TokenSession => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.session) throw new Error('CurrentSession used on a public route');
    return request.session;
  },
);

/** The authenticated caller, set by the auth guard. */
export function authenticatedActorOf(request: AuthenticatedRequest): Actor & { role: UserRole } {
  if (!request.actor) throw new Error('CurrentActor used on a public route');
  return request.actor;
}

/** The authenticated caller (see `authenticatedActorOf`). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext) =>
  authenticatedActorOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
