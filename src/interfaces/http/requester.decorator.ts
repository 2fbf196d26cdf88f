import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestContext } from '../../application/request-context.js';
import type { Actor } from '../../domain/shared/actor.js';
import { authenticatedActorOf, type AuthenticatedRequest } from './auth/auth.decorators.js';
import { pinnedRequestContextOf } from './request-context.decorator.js';

/** Who asks and the context they ask in: what every command and audited read is given. */
export interface Requester {
  readonly actor: Actor;
  readonly context: RequestContext;
}

/** The authenticated caller with the request's context (If-Match revision included). */
export const CurrentRequester = createParamDecorator(
  (_: unknown, execution: ExecutionContext): Requester => {
    const request = execution.switchToHttp().getRequest<AuthenticatedRequest>();
    return { actor: authenticatedActorOf(request), context: pinnedRequestContextOf(request) };
  },
);
