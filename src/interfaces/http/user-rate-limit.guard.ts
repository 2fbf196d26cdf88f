import {
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserAction } from '../../application/rate-limits/rate-limit-settings.js';
import { UserRateLimits } from '../../application/rate-limits/user-rate-limits.js';
import type { AuthenticatedRequest } from './auth/auth.decorators.js';

const USER_ACTION = 'vytalwatch:userAction';

/** Runs after the AuthGuard: counts the action against the caller, 429 once over the limit. */
@Injectable()
export class UserRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: UserRateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<UserAction | undefined>(USER_ACTION, context.getHandler());
    const { actor } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (action !== undefined && actor) {
      await this.limits.take(action, actor.userId, 'REQUEST.RATE_LIMITED');
    }
    return true;
  }
}

/** Limits the route per user (settings: app-config.ts `limits`). */
export const RateLimitedPerUser = (action: UserAction) =>
  applyDecorators(SetMetadata(USER_ACTION, action), UseGuards(UserRateLimitGuard));
