import type { Knex } from 'knex';
import type { CallEntry } from './call-entry-cache.js';
import type { ReadModelChanges } from './working-rows.js';

/**
 * How the call read models reach their tables once the same fold has run: live (every batch
 * written as it is applied) or write-behind (a rebuild filling empty shadow tables).
 */
export interface ReadModelWriteMode {
  /**
   * Whether a call initiated in a batch may already be in the tables and must be looked for: live,
   * a replayed batch must see the rows it made; filling fresh tables, it cannot be there yet.
   */
  readonly looksForInitiatedCalls: boolean;
  /** Writes what a batch changed; `entries` are the calls it touched, holding their changes. */
  afterBatch(
    trx: Knex.Transaction,
    changes: ReadModelChanges,
    entries: ReadonlyMap<string, CallEntry>,
  ): Promise<void>;
  /** Writes whatever is held back. */
  flush(trx: Knex.Transaction): Promise<void>;
  /** Forgets whatever is held back. */
  reset(): void;
}
