import type { Knex } from 'knex';
import { copyWriter } from '../copy-writer.js';
import {
  CALL_COLUMNS,
  DAILY_STATS_COUNTER_COLUMNS,
  PARTICIPANT_COLUMNS,
  type CallRow,
  type DailyStatsDelta,
  type ParticipantRow,
  type QualitySampleRow,
} from '../read-model-rows.js';
import type { CallEntry, CallEntryCache, CallRows } from './call-entry-cache.js';
import {
  callRowsWriter,
  dailyStatsWriter,
  qualitySampleTable,
  type CallReadModelTables,
} from './call-row-writers.js';
import type { ReadModelWriteMode } from './write-mode.js';

const PENDING_DAILY_ROWS = 5000;

/**
 * Rebuilds only (never with a runner): the tables start empty and only this projection writes
 * them, once per event. A call's rows are written when it leaves the cache or at `flush()`, not
 * after every batch that changes it, so a call is written about once instead of once per batch.
 * Quality samples are still written per batch; daily statistics are summed over batches.
 */
export function writeBehindWrites(
  tables: CallReadModelTables,
  cache: CallEntryCache,
): ReadModelWriteMode {
  const writeCallRows = callRowsWriter(tables);
  // A rebuild fills an empty table with no key yet, once per event: its rows are copied in.
  const writeSamples = copyWriter<QualitySampleRow>(qualitySampleTable(tables));
  const writeDaily = dailyStatsWriter(tables);
  // The calls and participants of a call never stored yet are copied in.
  const copyCalls = copyWriter<CallRow>({ table: tables.calls, columns: CALL_COLUMNS });
  const copyParticipants = copyWriter<ParticipantRow>({
    table: tables.participants,
    columns: PARTICIPANT_COLUMNS,
  });
  // Daily increments summed over batches, written when there are many or at flush.
  const pendingDaily = new Map<string, DailyStatsDelta>();

  /** The rows of dirty entries, copied in or upserted. */
  async function writeDirty(trx: Knex.Transaction, entries: Iterable<CallEntry>): Promise<void> {
    const { fresh, stored } = dirtyRows(entries);
    await copyCalls(trx, fresh.calls);
    await copyParticipants(trx, fresh.participants);
    // Recordings are few, and their consent list is an array, which COPY's text would need quoted.
    await writeCallRows(trx, {
      ...stored,
      recordings: [...fresh.recordings, ...stored.recordings],
    });
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

  return {
    looksForInitiatedCalls: false,
    async afterBatch(trx, changes) {
      await writeSamples(trx, changes.qualitySamples);
      await writeDirty(trx, cache.evictOverflow());
      addDaily(changes.dailyStats);
      if (pendingDaily.size >= PENDING_DAILY_ROWS) await flushDaily(trx);
    },
    async flush(trx) {
      await writeDirty(trx, cache.values());
      await flushDaily(trx);
    },
    reset() {
      pendingDaily.clear();
    },
  };
}

/**
 * The dirty rows of these entries (all rows of a dirty entry: they were written together),
 * apart for calls never stored yet (`fresh`: nothing to conflict with) and the others.
 */
function dirtyRows(entries: Iterable<CallEntry>): { fresh: CallRows; stored: CallRows } {
  const fresh: CallRows = { calls: [], participants: [], recordings: [] };
  const stored: CallRows = { calls: [], participants: [], recordings: [] };
  for (const entry of entries) {
    if (!entry.dirty) continue;
    const rows = entry.stored ? stored : fresh;
    rows.calls.push(entry.call);
    rows.participants.push(...(entry.participants ?? []));
    rows.recordings.push(...entry.recordings.values());
    entry.dirty = false;
    entry.stored = true;
  }
  return { fresh, stored };
}
