/**
 * A request refused for now, not for what it asks: too many of them (`rate_limited`, 429) or the
 * service is saturated (`busy`, 503). The caller may try again after `retryAfterSeconds`.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number,
    readonly reason: 'rate_limited' | 'busy' = 'rate_limited',
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** Every password check is taken: the login may be tried again in a moment. */
export function passwordChecksBusy(): RetryLaterError {
  return new RetryLaterError(
    'AUTH.BUSY',
    'Too many logins are being checked right now; try again in a moment',
    1,
    'busy',
  );
}

/** The database is restarting or out of reach for a moment: the request may be sent again. */
export function databaseUnavailable(retryAfterSeconds: number): RetryLaterError {
  return new RetryLaterError(
    'SERVICE.DATABASE_UNAVAILABLE',
    'The ledger database is unavailable for a moment; try again shortly',
    retryAfterSeconds,
    'busy',
  );
}

/** The shared rate-limit counters cannot be reached: nothing is let through uncounted. */
export function rateLimitsUnavailable(retryAfterSeconds: number): RetryLaterError {
  return new RetryLaterError(
    'SERVICE.RATE_LIMITS_UNAVAILABLE',
    'The rate limits cannot be checked for a moment; try again shortly',
    retryAfterSeconds,
    'busy',
  );
}
