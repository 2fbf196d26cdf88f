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
  /**
   * Forgets whatever the projection remembers between batches (a cache of its rows). The runner
   * calls it whenever it (re)gains the lock and after a batch failed, so nothing remembered from an
   * uncommitted batch, or from before another writer had the tables, is ever used.
   */
  reset?(): void;
  /** Writes whatever the projection holds back (a rebuild's write-behind rows). */
  flush?(trx: Knex.Transaction): Promise<void>;
  /** Called once a transaction of the projection's (a batch, or idle work) has committed. */
  committed?(): void;
  /**
   * Work that falls due while no event arrives (signing what waited a whole interval). The
   * active runner asks `dueInMs` after every transaction (null: nothing due) and then runs `run`
   * in a transaction of its own, never beside a batch, fenced on the checkpoint like one.
   */
  readonly idle?: {
    dueInMs(): number | null;
    run(trx: Knex.Transaction): Promise<void>;
  };
}
