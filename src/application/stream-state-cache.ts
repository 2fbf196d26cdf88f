import type { LedgerPosition } from './ports/event-store.port.js';

/** A stream's folded state as of one of its revisions, and that revision's hash. */
export interface CachedStreamState<State> {
  readonly state: State;
  readonly revision: number;
  readonly position: LedgerPosition | null;
  /** The hash of the event at `revision`: the next event read must chain to it. */
  readonly hash: string;
}

/**
 * Folded states of streams, most recently used first, so that a command on a long stream reads
 * only what was appended since (any instance may have appended; the read catches up). Nothing
 * here is authoritative: an entry is the fold of events read from the ledger, a miss or an entry
 * whose next event does not chain to it is rebuilt from the whole stream. States must be
 * immutable (evolve returns a new state), as every decider's are.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, CachedStreamState<State>>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): CachedStreamState<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, entry: CachedStreamState<State>): void {
    const current = this.entries.get(streamId);
    // Two commands may finish out of order: keep the newer fold.
    if (current && current.revision > entry.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }
}
