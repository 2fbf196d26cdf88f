import type { LedgerPosition } from './event-store.port.js';

/**
 * Counts events of the ledger (the event store port has no count): for rebuild progress and for
 * how many events a projection is behind. Only some ledgers can count.
 */
export interface FeedStatistics {
  /**
   * Readable events after `after` (all when null) in streams with one of the prefixes (any stream
   * when null or empty); stops counting at `cap` when given.
   */
  countEvents(
    after: LedgerPosition | null,
    streamPrefixes: readonly string[] | null,
    cap?: number,
  ): Promise<number>;
}
