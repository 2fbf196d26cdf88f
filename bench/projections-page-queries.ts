import type { Knex } from 'knex';
import type pg from 'pg';
import { percentile } from './latencies.js';
import { log } from './progress-log.js';

/** Latencies of one kind of history page, in ms. */
export interface PageTimes {
  readonly who: string;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Rows per page on average. */
  readonly rows: number;
}

/**
 * Tops `calls` up with plain ended calls until it holds `total` of them, spread over `providers`
 * and 50,000 patients; resolves with how many it holds.
 */
export async function seedQueryCalls(
  knex: Knex,
  providers: readonly string[],
  total: number,
): Promise<number> {
  const { rows } = await knex.raw<{ rows: Array<{ n: string }> }>(
    'SELECT count(*) AS n FROM calls',
  );
  const existing = Number(rows[0]?.n ?? 0);
  const missing = Math.max(0, total - existing);
  const chunk = 250_000;
  for (let done = 0; done < missing; done += chunk) {
    const n = Math.min(chunk, missing - done);
    // Same skew as the history: the first provider takes a quarter of the calls.
    await knex.raw(
      `INSERT INTO calls (id, type, status, provider_id, patient_id, initiator_id, callee_id,
              recording_enabled, initiated_at, started_at, ended_at, ended_by, duration_seconds,
              revision, last_position, updated_at)
       SELECT gen_random_uuid(), 'VIDEO', 'ENDED', x.provider, x.patient, x.provider, x.patient,
              false, x.at, x.at + interval '10 seconds', x.at + interval '20 minutes',
              x.provider::text, 1190, 9, 0, x.at + interval '20 minutes'
         FROM (SELECT CASE WHEN random() < 0.25 THEN (?::uuid[])[1]
                           ELSE (?::uuid[])[1 + floor(random() * ?)::int] END AS provider,
                      ('00000000-0000-4000-8000-' || lpad(to_hex(g % 50000), 12, '0'))::uuid AS patient,
                      timestamptz '2023-01-01' + random() * interval '730 days' AS at
                 FROM generate_series(1, ?) g) x`,
      [`{${providers.join(',')}}`, `{${providers.join(',')}}`, providers.length, n],
    );
    log(`query data: ${(existing + done + n).toLocaleString('en-US')} calls`);
  }
  await knex.raw('VACUUM ANALYZE calls');
  return existing + missing;
}

/**
 * History pages (keyset, 20 rows, from random cursors) for the busiest provider, a patient and
 * an admin (no filter): `runs` timed queries each after 100 untimed ones, and each plan's first
 * lines logged.
 */
export async function measureQueries(
  client: pg.Client,
  busiestProvider: string,
  runs: number,
): Promise<PageTimes[]> {
  const columns =
    'id, type, status, provider_id, patient_id, initiated_at, ended_at, duration_seconds';
  const cursors = (
    await client.query<{ initiated_at: Date; id: string }>(
      'SELECT initiated_at, id FROM calls TABLESAMPLE SYSTEM (1) LIMIT 5000',
    )
  ).rows;
  const patients = (
    await client.query<{ patient_id: string }>(
      `SELECT patient_id FROM calls WHERE patient_id::text LIKE '00000000-0000-4000-8000-%' LIMIT 2000`,
    )
  ).rows.map((r) => r.patient_id);
  const scenarios: Array<{ who: string; sql: string; params: () => unknown[] }> = [
    {
      who: 'provider (busiest, ~25% of calls)',
      sql: `SELECT ${columns} FROM calls WHERE provider_id = $1 AND (initiated_at, id) < ($2, $3)
            ORDER BY initiated_at DESC, id DESC LIMIT 20`,
      params: () => {
        const c = cursors[Math.floor(Math.random() * cursors.length)]!;
        return [busiestProvider, c.initiated_at, c.id];
      },
    },
    {
      who: 'patient',
      sql: `SELECT ${columns} FROM calls WHERE patient_id = $1 AND (initiated_at, id) < ($2, $3)
            ORDER BY initiated_at DESC, id DESC LIMIT 20`,
      params: () => {
        const c = cursors[Math.floor(Math.random() * cursors.length)]!;
        return [patients[Math.floor(Math.random() * patients.length)], c.initiated_at, c.id];
      },
    },
    {
      who: 'admin (no filter)',
      sql: `SELECT ${columns} FROM calls WHERE (initiated_at, id) < ($1, $2)
            ORDER BY initiated_at DESC, id DESC LIMIT 20`,
      params: () => {
        const c = cursors[Math.floor(Math.random() * cursors.length)]!;
        return [c.initiated_at, c.id];
      },
    },
  ];
  const results = [];
  for (const [index, scenario] of scenarios.entries()) {
    const name = `bench_page_${index}`;
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs + 100; i += 1) {
      const started = performance.now();
      const result = await client.query({ name, text: scenario.sql, values: scenario.params() });
      const ms = performance.now() - started;
      if (i >= 100) {
        times.push(ms);
        rows += result.rowCount ?? 0;
      }
    }
    const plan = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS) ${scenario.sql}`,
      scenario.params(),
    );
    log(
      `${scenario.who}: ${plan.rows
        .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
        .slice(0, 3)
        .join(' | ')}`,
    );
    times.sort((a, b) => a - b);
    results.push({
      who: scenario.who,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: times[times.length - 1] ?? NaN,
      rows: rows / times.length,
    });
  }
  return results;
}
