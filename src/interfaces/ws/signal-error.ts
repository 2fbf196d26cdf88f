import { ApplicationError } from '../../application/application.errors.js';
import { DomainError } from '../../domain/shared/domain-error.js';

/**
 * A refused socket message with a stable code in the DOMAIN.WHAT style:
 *
 *   SIGNAL.INVALID_PAYLOAD     the payload is not the event's shape (unknown field, wrong type, ...)
 *   SIGNAL.PAYLOAD_TOO_LARGE   an SDP over 64 KB or an ICE candidate over 4 KB
 *   SIGNAL.UNKNOWN_EVENT       an event the namespace does not have
 *   SIGNAL.RATE_LIMITED        too many messages from this socket
 *   SIGNAL.NOT_IN_CALL         the socket has not joined that call (join-call first)
 *   SIGNAL.UNKNOWN_RECIPIENT   `to` is not the other participant of that call
 *   AUTH.TOKEN_MISSING / AUTH.TOKEN_INVALID / AUTH.ROLE_FORBIDDEN   handshake (connect_error)
 *
 * Domain and application errors pass their own codes through (CALL.NOT_JOINABLE, ...).
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
  return { ok: false, code: 'INTERNAL', message: 'Something went wrong on our side' };
}
