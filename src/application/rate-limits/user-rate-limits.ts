import { Inject, Injectable } from '@nestjs/common';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { RetryLaterError } from '../retry-later.error.js';
import {
  RATE_LIMIT_SETTINGS,
  type RateLimitSettings,
  type UserAction,
  type WindowLimit,
} from './rate-limit-settings.js';

const WHAT: Record<UserAction, string> = {
  calls: 'calls started',
  mediaDownloads: 'recording downloads',
  qualityReports: 'quality reports',
};

/** Per-user limits on costly actions, counted across every connection and instance. */
@Injectable()
export class UserRateLimits {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_SETTINGS) private readonly settings: RateLimitSettings,
  ) {}

  /** Counts one action of the user; RetryLaterError with `code` once over the limit. */
  async take(action: UserAction, userId: string, code: string): Promise<void> {
    const { limit, windowSeconds } = this.limitOf(action);
    const decision = await this.limiter.hit(`user:${action}:${userId}`, limit, windowSeconds);
    if (!decision.allowed) {
      throw new RetryLaterError(
        code,
        `Too many ${WHAT[action]}: at most ${limit} every ${windowSeconds} s; try again in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
  }

  private limitOf(action: UserAction): WindowLimit {
    switch (action) {
      case 'calls':
        return this.settings.callsPerUser;
      case 'mediaDownloads':
        return this.settings.mediaDownloadsPerUser;
      case 'qualityReports':
        return this.settings.qualityReportsPerUser;
    }
  }
}
