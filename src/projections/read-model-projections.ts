import {
  AUDIT_LOG_PROJECTION,
  AUDIT_LOG_TABLES,
  auditLogProjection,
} from './audit-log.projection.js';
import {
  CALL_READ_MODELS_PROJECTION,
  CALL_READ_MODEL_TABLES,
  callReadModelsProjection,
} from './call-read-models.projection.js';
import type { RebuildableProjection } from './rebuild/projection-rebuild.js';

/**
 * The read-model projections, each with its own runner and checkpoint:
 * - `read-models`: calls, call_participants, call_recordings, call_quality_samples, call_daily_stats
 *   (streams `call-` and `callquality-`);
 * - `audit-log`: audit_log (every stream).
 * The call-timers projection is not a read model: it schedules timers and is never rebuilt.
 */
/**
 * Calls a rebuild keeps in its write-behind cache. The ledger is read in time order, so only calls
 * still receiving events need to stay: 2,000 holds every call in progress of a busy feed (a larger
 * cache saved no reload in the benchmark's history), while each remembered call costs about 2.5 kB
 * of live heap, which V8 lets grow about fourfold before it collects: 10,000 calls cost ~100 MB of
 * RSS. A call evicted too early is only written now and loaded again later.
 */
const REBUILD_CACHED_CALLS = 2000;

export const READ_MODEL_PROJECTIONS: readonly RebuildableProjection[] = [
  {
    name: CALL_READ_MODELS_PROJECTION,
    tables: Object.values(CALL_READ_MODEL_TABLES),
    // Only inserted into, never looked up, during a rebuild: its (random uuid) key is built after.
    keysAfterLoad: [CALL_READ_MODEL_TABLES.qualitySamples],
    create: (table, { rebuild }) =>
      callReadModelsProjection({
        writeBehind: rebuild,
        ...(rebuild ? { cachedCalls: REBUILD_CACHED_CALLS } : {}),
        tables: {
          calls: table(CALL_READ_MODEL_TABLES.calls),
          participants: table(CALL_READ_MODEL_TABLES.participants),
          recordings: table(CALL_READ_MODEL_TABLES.recordings),
          qualitySamples: table(CALL_READ_MODEL_TABLES.qualitySamples),
          dailyStats: table(CALL_READ_MODEL_TABLES.dailyStats),
        },
      }),
  },
  {
    name: AUDIT_LOG_PROJECTION,
    tables: [AUDIT_LOG_TABLES.auditLog],
    // Copied in once per event, never looked up, during a rebuild: its keys are built after.
    keysAfterLoad: [AUDIT_LOG_TABLES.auditLog],
    create: (table, { rebuild }) =>
      auditLogProjection({ tables: { auditLog: table(AUDIT_LOG_TABLES.auditLog) }, rebuild }),
  },
];

export function readModelProjection(name: string): RebuildableProjection | undefined {
  return READ_MODEL_PROJECTIONS.find((projection) => projection.name === name);
}
