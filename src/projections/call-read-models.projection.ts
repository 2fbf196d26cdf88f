import type { Knex } from 'knex';
import type { RecordedEvent } from '../application/ports/event-store.port.js';
import { CALL_QUALITY_STREAM_PREFIX } from '../domain/call-quality/call-quality.decider.js';
import { CALL_STREAM_PREFIX } from '../domain/call/call.decider.js';
import {
  foldCallReadModels,
  participantKey,
  rowsToLoad,
  type LoadedRows,
  type ReadModelChanges,
} from './call-read-models.fold.js';
import { copyWriter } from './copy-writer.js';
import type { Projection } from './projection.js';
import {
  CALL_COLUMNS,
  DAILY_STATS_COUNTER_COLUMNS,
  DAILY_STATS_KEY_COLUMNS,
  PARTICIPANT_COLUMNS,
  QUALITY_SAMPLE_COLUMNS,
  RECORDING_COLUMNS,
  type CallRow,
  type DailyStatsDelta,
  type ParticipantRow,
  type QualitySampleRow,
  type RecordingRow,
} from './read-model-rows.js';
import { incrementWriter, insertNewWriter, loadWhereIn, upsertWriter } from './read-model-sql.js';

export const CALL_READ_MODELS_PROJECTION = 'read-models';

const PENDING_DAILY_ROWS = 5000;

/** Where the projection writes: the live tables, or a rebuild's shadow copies of them. */
export interface CallReadModelTables {
  readonly calls: string;
  readonly participants: string;
  readonly recordings: string;
  readonly qualitySamples: string;
  readonly dailyStats: string;
}

export const CALL_READ_MODEL_TABLES: CallReadModelTables = {
  calls: 'calls',
  participants: 'call_participants',
  recordings: 'call_recordings',
  qualitySamples: 'call_quality_samples',
  dailyStats: 'call_daily_stats',
};

/** What is remembered of one call between batches: its rows as last written (or to be written). */
interface CallEntry {
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

export interface CallReadModelsOptions {
  readonly tables?: CallReadModelTables;
  /**
   * How many calls' rows to remember between batches (default 10,000; 0 turns it off): the rows
   * of a call in progress are then loaded once, not once per batch. The runner calls `reset()`
   * whenever it gains the lock and after a failed batch, so remembered rows are always rows this
   * projection wrote and committed itself.
   */
  readonly cachedCalls?: number;
  /**
   * Rebuilds only (never with a runner): the tables start empty and only this projection writes
   * them, once per event. A call's rows are then written when it leaves the cache or at `flush()`,
   * not after every batch that changes it, so a call is written about once instead of once per
   * batch; and calls initiated in a batch are not looked for. Quality samples and daily
   * statistics are still written per batch.
   */
  readonly writeBehind?: boolean;
}

function recordingRow(row: Record<string, unknown>): RecordingRow {
  const recording = row as unknown as RecordingRow & { size_bytes: unknown };
  // bigint arrives as a string; sizes are far below 2^53.
  if (recording.size_bytes !== null) recording.size_bytes = Number(recording.size_bytes);
  return recording;
}

interface Changes {
  readonly calls: CallRow[];
  readonly participants: ParticipantRow[];
  readonly recordings: RecordingRow[];
}

/**
 * `calls`, `call_participants`, `call_recordings`, `call_quality_samples` and `call_daily_stats`
 * from the call streams and their quality streams. Per batch: the rows it touches come from the
 * cache or are loaded with one query per table (`WHERE id = ANY(...)`), the pure fold runs in
 * memory, then one multi-row statement per table writes the changes.
 */
export function callReadModelsProjection(options: CallReadModelsOptions = {}): Projection {
  const tables = options.tables ?? CALL_READ_MODEL_TABLES;
  const capacity = Math.max(0, options.cachedCalls ?? 10_000);
  const writeBehind = options.writeBehind === true && capacity > 0;
  // Least recently used first: a Map keeps insertion order, and a used entry is re-inserted.
  const cache = new Map<string, CallEntry>();
  // Write-behind: daily increments summed over batches, written when there are many or at flush.
  const pendingDaily = new Map<string, DailyStatsDelta>();

  const writeCalls = upsertWriter<CallRow>({
    table: tables.calls,
    columns: CALL_COLUMNS,
    key: ['id'],
    guard: 'target.last_position < excluded.last_position',
  });
  const writeParticipants = upsertWriter<ParticipantRow>({
    table: tables.participants,
    columns: PARTICIPANT_COLUMNS,
    key: ['call_id', 'user_id'],
  });
  const writeRecordings = upsertWriter<RecordingRow>({
    table: tables.recordings,
    columns: RECORDING_COLUMNS,
    key: ['id'],
    guard: 'target.last_position < excluded.last_position',
  });
  // A rebuild fills an empty table with no key yet, once per event: its rows are copied in.
  const samples = { table: tables.qualitySamples, columns: QUALITY_SAMPLE_COLUMNS };
  const writeSamples = writeBehind
    ? copyWriter<QualitySampleRow>(samples)
    : insertNewWriter<QualitySampleRow>(samples);
  const writeDaily = incrementWriter<DailyStatsDelta>({
    table: tables.dailyStats,
    key: DAILY_STATS_KEY_COLUMNS,
    counters: DAILY_STATS_COUNTER_COLUMNS,
  });

  // Write-behind: the calls and participants of a call never stored yet are copied in.
  const copyCalls = copyWriter<CallRow>({ table: tables.calls, columns: CALL_COLUMNS });
  const copyParticipants = copyWriter<ParticipantRow>({
    table: tables.participants,
    columns: PARTICIPANT_COLUMNS,
  });

  async function write(trx: Knex.Transaction, changes: Changes): Promise<void> {
    await writeCalls(trx, changes.calls);
    await writeParticipants(trx, changes.participants);
    await writeRecordings(trx, changes.recordings);
  }

  /** Write-behind: the rows of dirty entries, copied in or upserted. */
  async function writeDirty(trx: Knex.Transaction, entries: Iterable<CallEntry>): Promise<void> {
    const { fresh, stored } = dirtyRows(entries);
    await copyCalls(trx, fresh.calls);
    await copyParticipants(trx, fresh.participants);
    // Recordings are few, and their consent list is an array, which COPY's text would need quoted.
    await write(trx, { ...stored, recordings: [...fresh.recordings, ...stored.recordings] });
  }

  function use(callId: string): CallEntry | undefined {
    const entry = cache.get(callId);
    if (entry) {
      cache.delete(callId);
      cache.set(callId, entry);
    }
    return entry;
  }

  async function load(
    trx: Knex.Transaction,
    events: readonly RecordedEvent[],
  ): Promise<{ loaded: LoadedRows; entries: Map<string, CallEntry> }> {
    const wanted = rowsToLoad(events);
    const entries = new Map<string, CallEntry>();
    const missing: string[] = [];
    // Filling fresh tables (write-behind: a rebuild), a call initiated in this batch cannot be
    // stored yet. Otherwise it is looked for too: a replayed batch must see the rows it made.
    const fresh = writeBehind ? new Set(wanted.initiatedCallIds) : new Set<string>();
    for (const id of wanted.callIds) {
      const entry = use(id);
      if (entry) entries.set(id, entry);
      else if (!fresh.has(id)) missing.push(id);
    }
    for (const row of await loadWhereIn(trx, tables.calls, CALL_COLUMNS, 'id', missing)) {
      const call = row as unknown as CallRow;
      entries.set(call.id, {
        call,
        participants: undefined,
        recordings: new Map(),
        dirty: false,
        stored: true,
      });
    }

    // Participants and recordings of calls not stored cannot be stored either.
    const needParticipants = wanted.participantCallIds.filter(
      (id) => entries.get(id)?.participants === undefined && entries.has(id),
    );
    const groups = new Map<string, ParticipantRow[]>(needParticipants.map((id) => [id, []]));
    for (const row of await loadWhereIn(
      trx,
      tables.participants,
      PARTICIPANT_COLUMNS,
      'call_id',
      needParticipants,
    )) {
      groups.get(String(row['call_id']))?.push(row as unknown as ParticipantRow);
    }
    for (const [callId, group] of groups) {
      const entry = entries.get(callId);
      if (entry) entry.participants = group;
    }

    const needRecordings = wanted.recordings.filter(
      ({ callId, recordingId }) => entries.get(callId)?.recordings.has(recordingId) === false,
    );
    for (const row of await loadWhereIn(
      trx,
      tables.recordings,
      RECORDING_COLUMNS,
      'id',
      needRecordings.map((r) => r.recordingId),
    )) {
      const recording = recordingRow(row);
      entries.get(recording.call_id)?.recordings.set(recording.id, recording);
    }

    const calls = new Map<string, CallRow>();
    const participants = new Map<string, ParticipantRow>();
    const recordings = new Map<string, RecordingRow>();
    for (const [id, entry] of entries) {
      calls.set(id, entry.call);
      for (const p of entry.participants ?? []) participants.set(participantKey(id, p.user_id), p);
      for (const [recordingId, r] of entry.recordings) recordings.set(recordingId, r);
    }
    return { loaded: { calls, participants, recordings }, entries };
  }

  /** Puts the batch's changes into the call entries (new calls get new entries). */
  function remember(entries: Map<string, CallEntry>, changes: ReadModelChanges): void {
    const entryOf = (callId: string): CallEntry | undefined => entries.get(callId);
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
      const entry = entryOf(participant.call_id);
      if (!entry) continue;
      const others = (entry.participants ?? []).filter((p) => p.user_id !== participant.user_id);
      entry.participants = [...others, participant];
      entry.dirty = true;
    }
    for (const recording of changes.recordings) {
      const entry = entryOf(recording.call_id);
      if (!entry) continue;
      entry.recordings.set(recording.id, recording);
      entry.dirty = true;
    }
    for (const [id, entry] of entries) {
      cache.delete(id);
      if (capacity > 0) cache.set(id, entry);
    }
  }

  /**
   * The dirty rows of these entries (all rows of a dirty entry: they were written together),
   * apart for calls never stored yet (`fresh`: nothing to conflict with) and the others.
   */
  function dirtyRows(entries: Iterable<CallEntry>): { fresh: Changes; stored: Changes } {
    const fresh: Changes = { calls: [], participants: [], recordings: [] };
    const stored: Changes = { calls: [], participants: [], recordings: [] };
    for (const entry of entries) {
      if (!entry.dirty) continue;
      const changes = entry.stored ? stored : fresh;
      changes.calls.push(entry.call);
      changes.participants.push(...(entry.participants ?? []));
      changes.recordings.push(...entry.recordings.values());
      entry.dirty = false;
      entry.stored = true;
    }
    return { fresh, stored };
  }

  function addDaily(deltas: readonly DailyStatsDelta[]): void {
    for (const delta of deltas) {
      const key = `${delta.day}/${delta.provider_id}`;
      const sum = pendingDaily.get(key);
      if (!sum) {
        pendingDaily.set(key, { ...delta });
        continue;
      }
      for (const column of DAILY_STATS_COUNTER_COLUMNS) sum[column] += delta[column];
    }
  }

  async function flushDaily(trx: Knex.Transaction): Promise<void> {
    await writeDaily(trx, [...pendingDaily.values()]);
    pendingDaily.clear();
  }

  function evictOverflow(): CallEntry[] {
    const evicted: CallEntry[] = [];
    for (const [id, entry] of cache) {
      if (cache.size <= capacity) break;
      cache.delete(id);
      evicted.push(entry);
    }
    return evicted;
  }

  return {
    name: CALL_READ_MODELS_PROJECTION,
    streamPrefixes: [CALL_STREAM_PREFIX, CALL_QUALITY_STREAM_PREFIX],
    async apply(trx, events) {
      const { loaded, entries } = await load(trx, events);
      const changes = foldCallReadModels(loaded, events);
      if (!writeBehind) await write(trx, changes);
      await writeSamples(trx, changes.qualitySamples);
      if (!writeBehind) await writeDaily(trx, changes.dailyStats);
      remember(entries, changes);
      if (writeBehind) {
        await writeDirty(trx, evictOverflow());
        addDaily(changes.dailyStats);
        if (pendingDaily.size >= PENDING_DAILY_ROWS) await flushDaily(trx);
      } else {
        for (const entry of entries.values()) {
          entry.dirty = false;
          entry.stored = true;
        }
        evictOverflow();
      }
    },
    async flush(trx) {
      if (!writeBehind) return;
      await writeDirty(trx, cache.values());
      await flushDaily(trx);
    },
    reset() {
      cache.clear();
      pendingDaily.clear();
    },
  };
}
