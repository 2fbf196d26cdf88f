import type { Knex } from 'knex';
import type { RecordedEvent } from '../application/ports/event-store.port.js';
import { CALL_QUALITY_STREAM_PREFIX } from '../domain/call-quality/call-quality.decider.js';
import { CALL_STREAM_PREFIX } from '../domain/call/call.decider.js';
import { CallEntryCache, type CallEntry } from './call-read-models/call-entry-cache.js';
import {
  CALL_READ_MODEL_TABLES,
  type CallReadModelTables,
} from './call-read-models/call-row-writers.js';
import { liveWrites } from './call-read-models/live-writes.js';
import { writeBehindWrites } from './call-read-models/write-behind-writes.js';
import {
  foldCallReadModels,
  participantKey,
  rowsToLoad,
  type LoadedRows,
} from './call-read-models.fold.js';
import type { Projection } from './projection.js';
import {
  CALL_COLUMNS,
  PARTICIPANT_COLUMNS,
  RECORDING_COLUMNS,
  type CallRow,
  type ParticipantRow,
  type RecordingRow,
} from './read-model-rows.js';
import { loadWhereIn } from './read-model-sql.js';

export {
  CALL_READ_MODEL_TABLES,
  type CallReadModelTables,
} from './call-read-models/call-row-writers.js';

export const CALL_READ_MODELS_PROJECTION = 'read-models';

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
   * Rebuilds only (never with a runner): write the rows behind, when a call leaves the cache or at
   * `flush()` (see `writeBehindWrites`). Needs the cache.
   */
  readonly writeBehind?: boolean;
}

function recordingRow(row: Record<string, unknown>): RecordingRow {
  const recording = row as unknown as RecordingRow & { size_bytes: unknown };
  // bigint arrives as a string; sizes are far below 2^53.
  if (recording.size_bytes !== null) recording.size_bytes = Number(recording.size_bytes);
  return recording;
}

/**
 * `calls`, `call_participants`, `call_recordings`, `call_quality_samples` and `call_daily_stats`
 * from the call streams and their quality streams. Per batch: the rows it touches come from the
 * cache or are loaded with one query per table (`WHERE id = ANY(...)`), the pure fold runs in
 * memory, then the write mode (live or write-behind) writes the changes.
 */
export function callReadModelsProjection(options: CallReadModelsOptions = {}): Projection {
  const tables = options.tables ?? CALL_READ_MODEL_TABLES;
  const cache = new CallEntryCache(Math.max(0, options.cachedCalls ?? 10_000));
  const mode =
    options.writeBehind === true && cache.capacity > 0
      ? writeBehindWrites(tables, cache)
      : liveWrites(tables, cache);

  async function load(
    trx: Knex.Transaction,
    events: readonly RecordedEvent[],
  ): Promise<{ loaded: LoadedRows; entries: Map<string, CallEntry> }> {
    const wanted = rowsToLoad(events);
    const entries = new Map<string, CallEntry>();
    const missing: string[] = [];
    // Calls initiated in this batch are not looked for where they cannot be stored yet.
    const fresh = new Set(mode.looksForInitiatedCalls ? [] : wanted.initiatedCallIds);
    for (const id of wanted.callIds) {
      const entry = cache.use(id);
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

  return {
    name: CALL_READ_MODELS_PROJECTION,
    streamPrefixes: [CALL_STREAM_PREFIX, CALL_QUALITY_STREAM_PREFIX],
    async apply(trx, events) {
      const { loaded, entries } = await load(trx, events);
      const changes = foldCallReadModels(loaded, events);
      cache.remember(entries, changes);
      await mode.afterBatch(trx, changes, entries);
    },
    flush: (trx) => mode.flush(trx),
    reset() {
      cache.clear();
      mode.reset();
    },
  };
}
