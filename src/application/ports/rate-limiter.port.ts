export const RATE_LIMITER = Symbol('RATE_LIMITER');

export interface RateLimitDecision {
  /** Whether this hit is within the limit. */
  readonly allowed: boolean;
  /** Hits counted in the current window, this one included. */
  readonly hits: number;
  /** Seconds until the window ends and hits are allowed again (at least 1). */
  readonly retryAfterSeconds: number;
}

/**
 * Counts hits on a key in fixed windows, in a store every instance shares, so a limit holds for
 * the whole deployment. Keys may name accounts or addresses: adapters store only their digest.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision>;
  /** Forgets the key's hits (a login that succeeds clears its account's count). */
  reset(key: string): Promise<void>;
}
