import type { Actor } from '../domain/shared/actor.js';
import type { EventMetadata } from './ports/event-store.port.js';
import type { RequestContext } from './request-context.js';

/** The metadata of every appended event, whatever its stream: who, when, and which request. */
export function eventMetadata(
  actor: Actor,
  occurredAt: string,
  context: RequestContext,
): EventMetadata {
  return {
    actor,
    occurredAt,
    correlationId: context.correlationId,
    causationId: context.causationId,
    ...(context.origin ? { origin: context.origin } : {}),
  };
}
