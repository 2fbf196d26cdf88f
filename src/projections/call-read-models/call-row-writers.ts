import type { Knex } from 'knex';
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
  type RecordingRow,
} from '../read-model-rows.js';
import { incrementWriter, upsertWriter, type RowWriter } from '../read-model-sql.js';
import type { CallRows } from './call-entry-cache.js';

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

/** The quality samples' table and columns, which each write mode writes its own way. */
export const qualitySampleTable = (tables: CallReadModelTables) => ({
  table: tables.qualitySamples,
  columns: QUALITY_SAMPLE_COLUMNS,
});

export type CallRowsWriter = (trx: Knex.Transaction, rows: CallRows) => Promise<void>;

/** Upserts of calls' rows, guarded so that an older row never replaces a newer one. */
export function callRowsWriter(tables: CallReadModelTables): CallRowsWriter {
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
  return async (trx, rows) => {
    await writeCalls(trx, rows.calls);
    await writeParticipants(trx, rows.participants);
    await writeRecordings(trx, rows.recordings);
  };
}

export const dailyStatsWriter = (tables: CallReadModelTables): RowWriter<DailyStatsDelta> =>
  incrementWriter<DailyStatsDelta>({
    table: tables.dailyStats,
    key: DAILY_STATS_KEY_COLUMNS,
    counters: DAILY_STATS_COUNTER_COLUMNS,
  });
