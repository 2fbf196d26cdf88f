import type { AccessDenial } from '../../application/audit/access-denial-audit.js';
import { ApplicationError } from '../../application/application.errors.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { SignalContext } from './handlers/signal-handler.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The method recorded for a refused socket message; its route is the event's name. */
export const SOCKET_METHOD = 'SOCKET';

/**
 * The refusal to record when the call refused a socket message (join-call on a call the sender
 * may not see, a command that is not theirs): a forbidden or not-found rule of the call. A relay
 * to a call this connection has not joined (SIGNAL.NOT_IN_CALL) is refused before any call is
 * read, and is not recorded.
 */
export function socketAccessDenial(
  context: SignalContext,
  event: string,
  payload: object,
  error: unknown,
): AccessDenial | null {
  if (!(error instanceof DomainError || error instanceof ApplicationError)) return null;
  if (error.kind !== 'forbidden' && error.kind !== 'not_found') return null;
  const callId = (payload as { callId?: unknown }).callId;
  if (typeof callId !== 'string' || !UUID.test(callId)) return null;
  return {
    callId: callId.toLowerCase(),
    recordingId: null,
    code: error.code,
    status: error.kind === 'forbidden' ? 403 : 404,
    method: SOCKET_METHOD,
    route: event,
    actor: context.actor,
    context: context.requestContext(),
  };
}
