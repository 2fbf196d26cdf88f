import type { Knex } from 'knex';
import type { LedgerPosition } from '../application/ports/event-store.port.js';

/** Another runner (or a rebuild) moved the checkpoint: what this runner holds must not commit. */
export class CheckpointMovedError extends Error {}

/** Where the projection's read models stand: the last ledger position applied, null before any. */
export async function readProjectionCheckpoint(
  knex: Knex,
  projection: string,
): Promise<LedgerPosition | null> {
  const row = await knex('projection_checkpoints')
    .where({ name: projection })
    .first<{ position: string | null } | undefined>('position');
  return row?.position ?? null;
}

/**
 * Moves the checkpoint from `from` to `to` in the batch's own transaction, counting `applied`
 * events. Fenced on the previous value: if another runner (or a rebuild) moved it, this batch must
 * not commit, so this throws CheckpointMovedError.
 */
export async function advanceProjectionCheckpoint(
  trx: Knex.Transaction,
  projection: string,
  from: LedgerPosition | null,
  to: LedgerPosition | null,
  applied: number,
): Promise<void> {
  const { rowCount } = await trx.raw<{ rowCount: number }>(
    `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at)
     VALUES (?, ?, ?, now())
     ON CONFLICT (name) DO UPDATE
        SET position = excluded.position,
            events_applied = projection_checkpoints.events_applied + excluded.events_applied,
            updated_at = now()
      WHERE projection_checkpoints.position IS NOT DISTINCT FROM ?`,
    [projection, to, applied, from],
  );
  if (rowCount !== 1) throw new CheckpointMovedError('checkpoint moved under this runner');
}
