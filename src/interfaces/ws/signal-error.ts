import { ApplicationError } from '../../application/application.errors.js';
import { RetryLaterError } from '../../application/retry-later.error.js';
import { DomainError } from '../../domain/shared/domain-error.js';

/**
 * A refused socket message with a stable code in the DOMAIN.WHAT style (SIGNAL.*, and AUTH.* on
 * the handshake); docs/errors.md lists them all. Domain and application errors pass their own
 * codes through (CALL.NOT_JOINABLE, ...).
 */
export class SignalError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignalError';
  }
}

export interface AckFailure {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
  readonly [detail: string]: unknown;
}

export type AckSuccess = { readonly ok: true } & Readonly<Record<string, unknown>>;
export type AckBody = AckSuccess | AckFailure;

export const OK: AckSuccess = { ok: true };

/** The failed ack for an error; unexpected errors say nothing about themselves. */
export function ackFailure(error: unknown): AckFailure {
  if (error instanceof SignalError) return { ok: false, code: error.code, message: error.message };
  if (error instanceof DomainError || error instanceof ApplicationError) {
    return { ...error.details, ok: false, code: error.code, message: error.message };
  }
  if (error instanceof RetryLaterError) {
    return {
      ok: false,
      code: error.code,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  return { ok: false, code: 'INTERNAL', message: 'Something went wrong on our side' };
}
