import type { Knex } from 'knex';
import type { RecordedEvent } from '../application/ports/event-store.port.js';

/**
 * Turns events into read-model rows. `apply` runs inside the runner's transaction, together with
 * the checkpoint update, so a batch is applied entirely or not at all.
 */
export interface Projection {
  readonly name: string;
  /** Only events of streams starting with one of these reach the projection. */
  readonly streamPrefixes?: readonly string[];
  apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void>;
}
