import type { Knex } from 'knex';
import pg from 'pg';
import { CallHistory, appendCommits } from '../../bench/projections-history.js';
import { READ_MODEL_PROJECTIONS } from '../../src/projections/read-model-projections.js';
import {
  rebuildProjections,
  type RebuildProgress,
} from '../../src/projections/rebuild/projection-rebuild.js';
import { waitUntilReadable } from '../support/event-store-fixtures.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { DEMO, TestServer } from '../support/test-server.js';
import { count, differences, openKnex } from './projections-support.js';

const ALL = ['read-models', 'audit-log'];

describe('rebuilding the read models while the service runs', () => {
  let server: TestServer;
  let knex: Knex;

  beforeAll(async () => {
    // The generated history is dated in the past, so its ring and upload timers would all be due
    // at once and append events while the test compares tables: timers stay off here.
    server = await TestServer.start({}, { runTimers: false });
    await acceptAnyOccurredAt(server.database.connectionString);
    knex = openKnex(server.database.connectionString);
  }, 60_000);

  afterAll(async () => {
    await knex?.destroy();
    await server?.stop();
  });

  const store = () => server.server.runtime.eventStore;
  /** Where each append ended: the feed shows it only once no older transaction of the server runs. */
  const appended: string[] = [];
  const append = async (commits: Parameters<typeof appendCommits>[1]): Promise<void> => {
    const position = await appendCommits(store(), commits);
    if (position !== null) appended.push(position);
  };
  const caughtUp = async (): Promise<void> => {
    if (appended.length > 0) await waitUntilReadable(store(), appended);
    const head = await store().headPosition();
    expect(await server.server.projections.waitFor(ALL, head ?? '0', 30_000)).toBe(true);
  };
  const rebuild = (options: Partial<Parameters<typeof rebuildProjections>[0]> = {}) =>
    rebuildProjections({
      store: store(),
      knex,
      pool: server.server.runtime.pool,
      projections: READ_MODEL_PROJECTIONS,
      batchSize: 150,
      ...options,
    });

  /** Every key and index of the read-model tables, by name, with its definition. */
  const keysAndIndexes = async (): Promise<string[]> => {
    const tables = `{${READ_MODEL_PROJECTIONS.flatMap((p) => p.tables).join(',')}}`;
    const { rows } = await knex.raw<{ rows: Array<{ line: string }> }>(
      `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
         FROM pg_constraint WHERE conrelid = ANY(?::regclass[])
       UNION ALL
       SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE tablename = ANY(?::text[])
       ORDER BY 1`,
      [tables, tables],
    );
    return rows.map((row) => row.line);
  };

  it('builds shadow tables with exactly the rows the runners made incrementally', async () => {
    const created = await server.as<{ id: string; position: string }>(
      'provider',
      'POST',
      '/webrtc/calls',
      {
        body: { patientId: DEMO.patient.id, type: 'VIDEO' },
        // Kept in the audit log's origin: a rebuild copies it in COPY's text format, which must
        // escape the tab and the backslash.
        headers: { 'user-agent': 'Odd\tAgent \\ "quoted" \\N' },
      },
    );
    expect(created.status).toBe(201);
    const history = new CallHistory({ calls: 90, windowCalls: 30, seed: 5 });
    for (const commits of history.windows()) await append(commits);
    await caughtUp();

    const result = await rebuild({ swap: false });
    expect(result.swapped).toBe(false);
    expect(await differences(knex, '', '__rebuild')).toEqual({});
    const origin = await knex('audit_log__rebuild')
      .where({ action: 'CallInitiated', call_id: created.body.id })
      .first('origin');
    expect(origin?.origin).toMatchObject({ userAgent: 'Odd\tAgent \\ "quoted" \\N' });
    for (const table of result.shadowTables) await knex.raw(`DROP TABLE "${table}"`);
  });

  it('swaps in rebuilt tables while queries keep being answered and the runners keep going', async () => {
    await knex.raw(
      'CREATE VIEW call_status_counts AS SELECT status, count(*) AS calls FROM calls GROUP BY status',
    );
    await knex.raw('GRANT SELECT ON calls TO PUBLIC');
    const before = await count(knex, 'SELECT count(*) AS n FROM calls');
    const schemaBefore = await keysAndIndexes();
    expect(schemaBefore).toEqual(
      expect.arrayContaining([
        'audit_log audit_log_pkey PRIMARY KEY ("position")',
        'audit_log audit_log_event_id_key UNIQUE (event_id)',
      ]),
    );
    const more = new CallHistory({ calls: 40, windowCalls: 20, seed: 6 });
    const windows = [...more.windows()];

    const phases: string[] = [];
    const answers: number[] = [];
    let appended = false;
    const onProgress = async (progress: RebuildProgress): Promise<void> => {
      if (!phases.includes(progress.phase)) phases.push(progress.phase);
      if (progress.phase !== 'copying' || progress.done === 0) return;
      // While the shadows fill: the service answers from the live tables, and the ledger grows.
      const history = await server.as<{ total: number }>('provider', 'GET', '/webrtc/calls');
      answers.push(history.status);
      expect(history.body.total).toBeGreaterThanOrEqual(1);
      if (!appended) {
        appended = true;
        await append(windows[0] ?? []);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const result = await rebuild({ onProgress });
    expect(result.swapped).toBe(true);
    expect(phases).toEqual(['copying', 'indexing', 'catching-up', 'swapping', 'done']);
    expect(answers.length).toBeGreaterThan(3);
    expect(answers.every((status) => status === 200)).toBe(true);

    // The checkpoints point where the new tables stand; the runners go on from there.
    const checkpoints = await knex('projection_checkpoints')
      .whereIn('name', ALL)
      .select('position');
    expect(checkpoints.map((row) => String(row.position))).toEqual([
      result.position,
      result.position,
    ]);
    await append(windows[1] ?? []);
    await caughtUp();
    expect(await count(knex, 'SELECT count(*) AS n FROM calls')).toBe(before + 40);
    const mine = await server.as<{ calls: Array<{ id: string }> }>(
      'provider',
      'GET',
      '/webrtc/calls',
    );
    expect(mine.status).toBe(200);
    expect(mine.body.calls.length).toBeGreaterThanOrEqual(1);

    // Same schema as before: keys and indexes (names and definitions), the view (on the new
    // table), the grant.
    expect(await keysAndIndexes()).toEqual(schemaBefore);
    const { rows: indexes } = await knex.raw<{ rows: Array<{ indexname: string }> }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'calls' ORDER BY indexname",
    );
    expect(indexes.map((row) => row.indexname)).toEqual([
      'calls_history',
      'calls_patient_history',
      'calls_pkey',
      'calls_provider_history',
    ]);
    expect(
      await count(
        knex,
        "SELECT count(*) AS n FROM pg_class WHERE relname LIKE '%\\_\\_rebuild' OR relname LIKE '%\\_\\_retired'",
      ),
    ).toBe(0);
    expect(await count(knex, 'SELECT sum(calls) AS n FROM call_status_counts')).toBe(before + 40);
    // The analysts' views (migration 005) follow the new tables too.
    expect(await count(knex, 'SELECT count(*) AS n FROM analytics.calls')).toBe(before + 40);
    expect(
      await count(knex, "SELECT has_table_privilege('public', 'calls', 'SELECT')::int AS n"),
    ).toBe(1);

    // And what the runners added on the new tables is what a clean rebuild gives.
    await caughtUp();
    const clean = await rebuild({ swap: false });
    expect(await differences(knex, '', '__rebuild')).toEqual({});
    for (const table of clean.shadowTables) await knex.raw(`DROP TABLE "${table}"`);

    const lag = await server.server.projections.lag();
    expect(
      lag.map((entry) => [entry.name, entry.active, entry.eventsBehind, entry.secondsBehind]),
    ).toEqual([
      ['read-models', true, 0, 0],
      ['audit-log', true, 0, 0],
    ]);
    const metrics = await server.request<string>('GET', '/metrics');
    expect(metrics.body).toContain('ledger_projection_events_behind{projection="read-models"} 0');
    expect(metrics.body).toContain('ledger_projection_active{projection="audit-log"} 1');
  }, 120_000);

  it('leaves no listener on the connection it held its locks on', async () => {
    // One connection, so the rebuild's lock connection is the one looked at before and after.
    const pool = new pg.Pool({ connectionString: server.database.connectionString, max: 1 });
    const errorListeners = async (): Promise<number> => {
      const client = await pool.connect();
      const listeners = client.listenerCount('error');
      client.release();
      return listeners;
    };
    try {
      const before = await errorListeners();
      for (let run = 0; run < 2; run += 1) {
        const result = await rebuild({ pool, swap: false });
        for (const table of result.shadowTables) await knex.raw(`DROP TABLE "${table}"`);
      }
      // A listener left behind kept the whole rebuild (its projections' caches) alive.
      expect(await errorListeners()).toBe(before);
    } finally {
      await pool.end();
    }
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = rebuild({ swap: false, onProgress: () => gate });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(rebuild({ swap: false })).rejects.toThrow(/already running/);
    release();
    const result = await first;
    for (const table of result.shadowTables) await knex.raw(`DROP TABLE "${table}"`);
  });
});
