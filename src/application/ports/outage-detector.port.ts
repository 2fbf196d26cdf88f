import type { RetryLaterError } from '../retry-later.error.js';

export const OUTAGE_DETECTOR = Symbol('OutageDetector');

/**
 * Tells a failure that passes by itself (the database restarting, its connections cut) from any
 * other: the caller is then told to try again shortly (503 with Retry-After, or the socket's ack
 * with `retryAfterSeconds`) rather than that something went wrong for good.
 */
export interface OutageDetector {
  /** The refusal to answer for `error` when it is such a failure; null for any other error. */
  retryLater(error: unknown): RetryLaterError | null;
}
