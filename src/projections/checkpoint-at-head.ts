import type { Knex } from 'knex';
import type { EventStore } from '../application/ports/event-store.port.js';

/**
 * Gives a projection that has no checkpoint yet one at the ledger's head, so that its runner
 * follows what happens from now on rather than the whole history, and, once this has returned,
 * misses nothing appended later even if it does not run then. A checkpoint already there (any
 * runner's, on any instance) is left as it is.
 */
export async function startCheckpointAtHead(
  knex: Knex,
  store: EventStore,
  projection: string,
): Promise<void> {
  const head = await store.headPosition();
  await knex.raw(
    `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at)
     VALUES (?, ?, 0, now())
     ON CONFLICT (name) DO NOTHING`,
    [projection, head],
  );
}
