import type { CallRow, ParticipantRow, RecordingRow } from '../read-model-rows.js';
import type { ReadModelChanges } from './working-rows.js';

/** What is remembered of one call between batches: its rows as last written (or to be written). */
export interface CallEntry {
  call: CallRow;
  /** Both parties' rows, once loaded or created; undefined until a batch needed them. */
  participants: ParticipantRow[] | undefined;
  /** The recordings of the call that a batch needed so far. */
  readonly recordings: Map<string, RecordingRow>;
  /** Write-behind only: rows changed since they were last written. */
  dirty: boolean;
  /** Whether the call's rows are in the tables (loaded from them, or written since). */
  stored: boolean;
}

/** The rows of one call, as a batch writes them. */
export interface CallRows {
  readonly calls: CallRow[];
  readonly participants: ParticipantRow[];
  readonly recordings: RecordingRow[];
}

/**
 * The calls whose rows are remembered between batches, least recently used first (a Map keeps
 * insertion order, and a used entry is re-inserted).
 */
export class CallEntryCache {
  private readonly entries = new Map<string, CallEntry>();

  constructor(readonly capacity: number) {}

  /** The remembered entry, now the most recently used. */
  use(callId: string): CallEntry | undefined {
    const entry = this.entries.get(callId);
    if (entry) {
      this.entries.delete(callId);
      this.entries.set(callId, entry);
    }
    return entry;
  }

  /** Puts the batch's changes into the call entries (new calls get new entries), and keeps them. */
  remember(entries: Map<string, CallEntry>, changes: ReadModelChanges): void {
    for (const call of changes.calls) {
      const entry = entries.get(call.id);
      if (entry) {
        entry.call = call;
        entry.dirty = true;
      } else {
        entries.set(call.id, {
          call,
          participants: [],
          recordings: new Map(),
          dirty: true,
          stored: false,
        });
      }
    }
    for (const participant of changes.participants) {
      const entry = entries.get(participant.call_id);
      if (!entry) continue;
      const others = (entry.participants ?? []).filter((p) => p.user_id !== participant.user_id);
      entry.participants = [...others, participant];
      entry.dirty = true;
    }
    for (const recording of changes.recordings) {
      const entry = entries.get(recording.call_id);
      if (!entry) continue;
      entry.recordings.set(recording.id, recording);
      entry.dirty = true;
    }
    for (const [id, entry] of entries) {
      this.entries.delete(id);
      if (this.capacity > 0) this.entries.set(id, entry);
    }
  }

  /** Forgets the least recently used entries beyond the capacity, and gives them back. */
  evictOverflow(): CallEntry[] {
    const evicted: CallEntry[] = [];
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(id);
      evicted.push(entry);
    }
    return evicted;
  }

  values(): IterableIterator<CallEntry> {
    return this.entries.values();
  }

  clear(): void {
    this.entries.clear();
  }
}
