import { integer, type Env } from './env-values.js';

/** A number of hits allowed in a fixed window, counted in PostgreSQL (or Redis with REDIS_URL). */
export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface LimitsConfig {
  readonly loginPerAddress: RateLimit;
  readonly loginPerAccount: RateLimit;
  /** Password hashes computed at once, and how many more may wait (briefly) for a turn. */
  readonly passwordHashConcurrency: number;
  readonly passwordHashQueue: number;
  readonly callsPerUser: RateLimit;
  readonly mediaDownloadsPerUser: RateLimit;
  readonly qualityReportsPerUser: RateLimit;
}

function rateLimit(env: Env, name: string, fallback: number, windowSeconds: number): RateLimit {
  return { limit: integer(env, name, fallback, 1, 1_000_000), windowSeconds };
}

export function limits(env: Env): LimitsConfig {
  return {
    loginPerAddress: rateLimit(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 10, 60),
    loginPerAccount: {
      limit: integer(env, 'LOGIN_ATTEMPTS_PER_ACCOUNT', 5, 1, 1_000_000),
      windowSeconds: integer(env, 'LOGIN_ACCOUNT_LOCKOUT_SECONDS', 900, 1, 86_400),
    },
    passwordHashConcurrency: integer(env, 'PASSWORD_HASH_CONCURRENCY', 4, 1, 256),
    passwordHashQueue: integer(env, 'PASSWORD_HASH_QUEUE', 32, 0, 100_000),
    callsPerUser: rateLimit(env, 'CALLS_PER_USER_PER_MINUTE', 30, 60),
    mediaDownloadsPerUser: rateLimit(env, 'MEDIA_DOWNLOADS_PER_USER_PER_MINUTE', 120, 60),
    qualityReportsPerUser: rateLimit(env, 'QUALITY_REPORTS_PER_USER_PER_MINUTE', 60, 60),
  };
}
