import type { QualitySampleRow } from '../read-model-rows.js';
import { insertNewWriter } from '../read-model-sql.js';
import type { CallEntryCache } from './call-entry-cache.js';
import {
  callRowsWriter,
  dailyStatsWriter,
  qualitySampleTable,
  type CallReadModelTables,
} from './call-row-writers.js';
import type { ReadModelWriteMode } from './write-mode.js';

/**
 * Live: every batch's changes are written in the batch's own transaction, so the tables always
 * hold exactly the rows of the committed checkpoint. The cache only saves loading rows again.
 */
export function liveWrites(tables: CallReadModelTables, cache: CallEntryCache): ReadModelWriteMode {
  const writeCallRows = callRowsWriter(tables);
  const writeSamples = insertNewWriter<QualitySampleRow>(qualitySampleTable(tables));
  const writeDaily = dailyStatsWriter(tables);
  return {
    looksForInitiatedCalls: true,
    async afterBatch(trx, changes, entries) {
      await writeCallRows(trx, changes);
      await writeSamples(trx, changes.qualitySamples);
      await writeDaily(trx, changes.dailyStats);
      for (const entry of entries.values()) {
        entry.dirty = false;
        entry.stored = true;
      }
      cache.evictOverflow();
    },
    async flush() {
      // Nothing is held back.
    },
    reset() {
      // Nothing is held back.
    },
  };
}
