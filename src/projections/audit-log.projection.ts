import { auditRowsOf } from './audit-log.fold.js';
import { copyWriter } from './copy-writer.js';
import type { Projection } from './projection.js';
import { AUDIT_COLUMNS, type AuditRow } from './read-model-rows.js';
import { insertNewWriter } from './read-model-sql.js';

export const AUDIT_LOG_PROJECTION = 'audit-log';

export interface AuditLogTables {
  readonly auditLog: string;
}

export const AUDIT_LOG_TABLES: AuditLogTables = { auditLog: 'audit_log' };

/**
 * `audit_log`: one row per event of every stream (calls, quality, access, anything later), keyed by
 * position and event id, so a replayed event is refused by the key and changes nothing.
 */
export function auditLogProjection(
  options: { readonly tables?: AuditLogTables; readonly rebuild?: boolean } = {},
): Projection {
  const table = (options.tables ?? AUDIT_LOG_TABLES).auditLog;
  // Filling an empty shadow once per event: no conflict can arise, so rows are copied in.
  const write =
    options.rebuild === true
      ? copyWriter<AuditRow>({ table, columns: AUDIT_COLUMNS })
      : insertNewWriter<AuditRow>({ table, columns: AUDIT_COLUMNS });
  return {
    name: AUDIT_LOG_PROJECTION,
    async apply(trx, events) {
      await write(trx, auditRowsOf(events));
    },
  };
}
