import type { RecordedEvent } from '../../application/ports/event-store.port.js';
import type { CallQualityEvent } from '../../domain/call-quality/call-quality.events.js';
import type { CallEvent } from '../../domain/call/call.events.js';
import { isoInstant } from '../read-model-rows.js';

/** A typed event with what the read models need of its envelope. */
export interface ReadModelEvent<Event extends CallEvent | CallQualityEvent> {
  readonly event: Event;
  readonly eventId: string;
  readonly revision: number;
  readonly position: string;
  /** When it occurred (ledger time), else its own `at`, so rebuilds agree. */
  readonly occurredAt: string;
  /** Its own `at` when it carries one, else when it occurred. */
  readonly at: string;
}

export function readModelEvent<Event extends CallEvent | CallQualityEvent>(
  recorded: RecordedEvent,
  event: Event,
): ReadModelEvent<Event> {
  const own = 'at' in event.data ? isoInstant(event.data.at) : null;
  const occurredAt = isoInstant(recorded.metadata.occurredAt) ?? own ?? new Date(0).toISOString();
  return {
    event,
    eventId: recorded.eventId,
    revision: recorded.revision,
    position: recorded.position,
    occurredAt,
    at: own ?? occurredAt,
  };
}
