import { Inject, Injectable } from '@nestjs/common';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { RATE_LIMIT_SETTINGS, type RateLimitSettings } from '../rate-limits/rate-limit-settings.js';
import { RetryLaterError } from '../retry-later.error.js';

function accountKey(email: string): string {
  return `login:account:${email.trim().toLowerCase()}`;
}

/**
 * Login attempts, limited per client address and per account (whatever address they come from),
 * checked before the password is hashed or the attempt recorded: guessing costs the attacker a
 * wait, and costs us neither CPU nor ledger entries. A login that succeeds clears its account.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_SETTINGS) private readonly settings: RateLimitSettings,
  ) {}

  /** Counts the attempt; RetryLaterError AUTH.TOO_MANY_ATTEMPTS when either limit is reached. */
  async admit(email: unknown, address: string | undefined): Promise<void> {
    const { loginPerAddress, loginPerAccount } = this.settings;
    const decisions = await Promise.all([
      address === undefined
        ? null
        : this.limiter.hit(
            `login:address:${address}`,
            loginPerAddress.limit,
            loginPerAddress.windowSeconds,
          ),
      typeof email !== 'string' || email.trim() === ''
        ? null
        : this.limiter.hit(accountKey(email), loginPerAccount.limit, loginPerAccount.windowSeconds),
    ]);
    const refused = decisions.filter((decision) => decision !== null && !decision.allowed);
    if (refused.length > 0) {
      const retryAfterSeconds = Math.max(
        ...refused.map((decision) => decision?.retryAfterSeconds ?? 1),
      );
      throw new RetryLaterError(
        'AUTH.TOO_MANY_ATTEMPTS',
        `Too many login attempts; try again in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
  }

  async succeeded(email: string): Promise<void> {
    await this.limiter.reset(accountKey(email));
  }
}
