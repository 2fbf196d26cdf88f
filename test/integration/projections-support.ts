import knexFactory, { type Knex } from 'knex';
import type { EventStore, LedgerPosition } from '../../src/application/ports/event-store.port.js';
import {
  CALL_READ_MODEL_TABLES,
  callReadModelsProjection,
} from '../../src/projections/call-read-models.projection.js';
import {
  AUDIT_LOG_TABLES,
  auditLogProjection,
} from '../../src/projections/audit-log.projection.js';
import {
  ProjectionRunner,
  type ProjectionRunnerOptions,
} from '../../src/projections/projection-runner.js';
import type { Projection } from '../../src/projections/projection.js';
import type pg from 'pg';

/** Every read-model table with the columns that order its rows. */
export const READ_MODEL_TABLES: ReadonlyArray<{ table: string; order: string }> = [
  { table: CALL_READ_MODEL_TABLES.calls, order: 'id' },
  { table: CALL_READ_MODEL_TABLES.participants, order: 'call_id, user_id' },
  { table: CALL_READ_MODEL_TABLES.recordings, order: 'id' },
  { table: CALL_READ_MODEL_TABLES.qualitySamples, order: 'event_id' },
  { table: CALL_READ_MODEL_TABLES.dailyStats, order: 'day, provider_id' },
  { table: AUDIT_LOG_TABLES.auditLog, order: 'position' },
];

export function openKnex(connectionString: string): Knex {
  const quiet = (): void => undefined;
  return knexFactory({
    client: 'pg',
    connection: connectionString,
    pool: { min: 0, max: 6 },
    // Tests kill connections on purpose; knex would print each one.
    log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet },
  });
}

/** Each table's rows, in key order, as JSON text (exact: every column, every bit). */
export async function snapshotTables(knex: Knex, suffix = ''): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const { table, order } of READ_MODEL_TABLES) {
    const { rows } = await knex.raw<{ rows: Array<{ row: string }> }>(
      `SELECT row_to_json(t)::text AS row FROM "${table}${suffix}" t ORDER BY ${order}`,
    );
    snapshot[table] = rows.map((r) => r.row);
  }
  return snapshot;
}

/** Rows in one set of tables but not in the other (both ways); empty when identical. */
export async function differences(
  knex: Knex,
  left: string,
  right: string,
): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const { table } of READ_MODEL_TABLES) {
    const { rows } = await knex.raw<{ rows: Array<{ n: string }> }>(
      `SELECT (SELECT count(*) FROM (SELECT * FROM "${table}${left}" EXCEPT ALL SELECT * FROM "${table}${right}") a)
            + (SELECT count(*) FROM (SELECT * FROM "${table}${right}" EXCEPT ALL SELECT * FROM "${table}${left}") b) AS n`,
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n !== 0) result[table] = n;
  }
  return result;
}

export function readModelRunners(
  options: Omit<ProjectionRunnerOptions, 'logger'> & { logger?: ProjectionRunnerOptions['logger'] },
  wrap: (projection: Projection) => Projection = (projection) => projection,
): ProjectionRunner[] {
  const logger = options.logger ?? { info: () => undefined, error: () => undefined };
  return [callReadModelsProjection(), auditLogProjection()].map(
    (projection) => new ProjectionRunner(wrap(projection), { ...options, logger }),
  );
}

export async function headOf(store: EventStore): Promise<LedgerPosition> {
  const head = await store.headPosition();
  if (head === null) throw new Error('empty ledger');
  return head;
}

export async function waitForAll(
  runners: readonly ProjectionRunner[],
  position: LedgerPosition,
  timeoutMs = 60_000,
): Promise<void> {
  for (const runner of runners) {
    if (!(await runner.waitFor(position, timeoutMs))) {
      throw new Error(`${runner.name} did not reach ${position} within ${timeoutMs} ms`);
    }
  }
}

export async function count(knex: Knex | pg.Pool, sql: string): Promise<number> {
  const result =
    'raw' in knex
      ? await (knex as Knex).raw<{ rows: Array<{ n: string }> }>(sql)
      : await (knex as pg.Pool).query<{ n: string }>(sql);
  return Number(result.rows[0]?.n ?? 0);
}
