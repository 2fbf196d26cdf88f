export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const PART_RETRY_POLICY: BackoffPolicy = {
  attempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/**
 * The wait before retry `retry` (1 for the first retry): exponential, capped, with full jitter so
 * that many clients cut by one outage do not all come back in the same instant.
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling * random());
}

/**
 * Runs `attempt` until it succeeds, waiting `backoffDelayMs` between tries, as long as
 * `retryable` says the failure may pass (a lost connection, a 5xx) and attempts remain.
 */
export async function retryWithBackoff<T>(
  attempt: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  policy: BackoffPolicy,
  sleep: (ms: number) => Promise<void>,
  random: () => number = Math.random,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= policy.attempts || !retryable(error)) throw error;
      await sleep(backoffDelayMs(tried, policy, random));
    }
  }
}
