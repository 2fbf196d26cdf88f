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
export const READ_MODEL_PROJECTIONS: readonly RebuildableProjection[] = [
  {
    name: CALL_READ_MODELS_PROJECTION,
    tables: Object.values(CALL_READ_MODEL_TABLES),
    // Only inserted into, never looked up, during a rebuild: its (random uuid) key is built after.
    keysAfterLoad: [CALL_READ_MODEL_TABLES.qualitySamples],
    create: (table, { rebuild }) =>
      callReadModelsProjection({
        writeBehind: rebuild,
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
    create: (table, { rebuild }) =>
      auditLogProjection({ tables: { auditLog: table(AUDIT_LOG_TABLES.auditLog) }, rebuild }),
  },
];

export function readModelProjection(name: string): RebuildableProjection | undefined {
  return READ_MODEL_PROJECTIONS.find((projection) => projection.name === name);
}
