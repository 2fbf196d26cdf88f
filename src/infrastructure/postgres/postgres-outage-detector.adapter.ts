import type { OutageDetector } from '../../application/ports/outage-detector.port.js';
import { RetryLaterError, databaseUnavailable } from '../../application/retry-later.error.js';

/** How long a client waits before trying again: a restart takes a second or two. */
const RETRY_AFTER_SECONDS = 2;

/** Socket errors of a connection that could not be made or was cut. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception),
 * 57P01-57P03 (shut down by the administrator, after a crash, or still starting) and 53300 (no
 * connection slot free).
 */
function isUnavailableState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
}

/**
 * What node-postgres and knex say when a connection ends or cannot be had in time (knex puts the
 * statement in front: "select ... - Connection terminated unexpectedly").
 */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /Knex: Timeout acquiring a connection/,
];

function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || isUnavailableState(code))) {
    return true;
  }
  if (
    typeof message === 'string' &&
    UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))
  ) {
    return true;
  }
  // node-postgres reports a refused connection to every address of a host as an AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => isUnavailable(inner, depth + 1))) return true;
  return isUnavailable(cause, depth + 1);
}

/** The database restarting, unreachable or out of connection slots: try again shortly. */
export class PostgresOutageDetector implements OutageDetector {
  retryLater(error: unknown): RetryLaterError | null {
    if (error instanceof RetryLaterError || !isUnavailable(error)) return null;
    return databaseUnavailable(RETRY_AFTER_SECONDS);
  }
}
