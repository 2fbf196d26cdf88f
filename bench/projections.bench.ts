/*
 * Projection benchmark (npm run bench:projections; never part of npm test).
 *
 * 1. Creates a database of its own on DATABASE_URL's server (dropped at the end) and seeds a
 *    realistic ledger of BENCH_CALLS calls (default 100,000: over a million events) straight into
 *    the events table, hash chain included. Seeding is not measured.
 * 2. "The limit": a plain loop over the same feed, reading batches through the event store and
 *    writing one row per event with one INSERT ... ON CONFLICT DO NOTHING plus the checkpoint, per
 *    transaction.
 * 3. The rebuild of every read-model projection (read-models + audit-log, one pass) into shadow
 *    tables, indexes, swap: events/s and resident memory sampled every 100 ms, reported at
 *    fractions of the events and as its range between 10% and 90% of them.
 *    Each measured phase starts after a CHECKPOINT, and the limit's table is dropped before the
 *    rebuild, so neither phase pays for the other's writes. Steps 2 and 3 run BENCH_ROUNDS times
 *    (default 2), alternately, each rebuild compared with the limit just before it.
 * 4. Optionally (BENCH_RUNNERS=1) the live runners catching up from zero on the live tables.
 * 5. History page queries (keyset, 20 rows) with BENCH_QUERY_CALLS calls (default 1,000,000) in
 *    `calls`: p50/p99 for a provider, a patient and an admin (no filter).
 * BENCH_CPU_PROFILE=<folder> writes V8 CPU profiles of each limit and rebuild run there.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { migrateToLatest } from '../src/infrastructure/postgres/migrations/migration-source.js';
import { PostgresFeedStatistics } from '../src/infrastructure/event-store/postgres/postgres-feed-statistics.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { READ_MODEL_PROJECTIONS } from '../src/projections/read-model-projections.js';
import {
  rebuildProjections,
  type RebuildResult,
} from '../src/projections/rebuild/projection-rebuild.js';
import { CallHistory, insertCommits } from './projections-history.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const QUERY_CALLS = Number(process.env.BENCH_QUERY_CALLS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 2000);
const RUNNERS = process.env.BENCH_RUNNERS === '1';
/**
 * The limit and the rebuild are measured this many times, alternately: one run of each swings by
 * 10-15% on a small shared machine, and alternating keeps a slow stretch from favouring either.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
/** A folder to write V8 CPU profiles of the limit and the rebuild into (none when unset). */
const CPU_PROFILES = process.env.BENCH_CPU_PROFILE;

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
const rate = (events: number, seconds: number): string =>
  `${Math.round(events / seconds).toLocaleString('en-US')} ev/s`;

/** One memory sample, with how far through the events the run was (0..1) when it was taken. */
interface MemorySample {
  readonly progress: number;
  readonly rss: number;
  readonly heapUsed: number;
}

/**
 * Samples memory every 100 ms while `work` runs. `progress` says how far through the events the
 * work is, so that memory can be reported at fractions of the events (not of the wall time, which
 * for a rebuild also covers building indexes after the last event).
 */
async function withRss<T>(
  work: () => Promise<T>,
  progress: () => number,
): Promise<{
  result: T;
  seconds: number;
  peakRss: number;
  startRss: number;
  samples: MemorySample[];
  cpuSeconds: number;
}> {
  const samples: MemorySample[] = [];
  const cpu = process.cpuUsage();
  const startRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    samples.push({ progress: progress(), rss: memory.rss, heapUsed: memory.heapUsed });
  }, 100);
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    const memory = process.memoryUsage();
    samples.push({ progress: progress(), rss: memory.rss, heapUsed: memory.heapUsed });
    const used = process.cpuUsage(cpu);
    return {
      result,
      seconds,
      peakRss: Math.max(startRss, ...samples.map((sample) => sample.rss)),
      startRss,
      samples,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  } finally {
    clearInterval(timer);
  }
}

type Measured<T> = Awaited<ReturnType<typeof withRss<T>>>;

interface Round {
  readonly limit: Measured<number>;
  readonly rebuild: Measured<RebuildResult>;
  /** Seconds spent in each phase of the rebuild. */
  readonly phases: Record<string, number>;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const SHAPE_POINTS = [0.1, 0.3, 0.5, 0.7, 0.9] as const;

/** The first sample taken once `fraction` of the events were done. */
function sampleAt(samples: readonly MemorySample[], fraction: number): MemorySample | undefined {
  return samples.find((sample) => sample.progress >= fraction);
}

/** Memory at 10/30/50/70/90% of the events, to show whether it stays flat. */
function shape(samples: readonly MemorySample[], value: (sample: MemorySample) => number): string {
  const points = SHAPE_POINTS.map((f) => sampleAt(samples, f));
  if (points.some((point) => point === undefined)) return '-';
  return points.map((point) => mb(value(point as MemorySample)).replace(' MB', '')).join(' / ');
}

const rssBetween = (samples: readonly MemorySample[], from: number, to: number): number[] =>
  samples.filter((s) => s.progress >= from && s.progress <= to).map((s) => s.rss);

/**
 * How much RSS varied between 10% and 90% of the events, over every sample in between: this
 * includes the garbage collector's sawtooth (the heap fills with garbage up to a limit, then is
 * collected), which even the limit's plain loop shows.
 */
function rssSpread(samples: readonly MemorySample[]): string {
  const between = rssBetween(samples, 0.1, 0.9);
  if (between.length === 0) return '-';
  const low = Math.min(...between);
  const high = Math.max(...between);
  return `${(low / 1048576).toFixed(0)}-${mb(high)} (+${Math.round((100 * (high - low)) / low)}%)`;
}

/**
 * Whether memory grows with the events: the highest RSS between 10% and 50% of them against the
 * highest between 50% and 90%. A leak, or anything that grows with the events, shows as a rise;
 * the sawtooth alone shows about the same peak in both halves.
 */
function rssGrowth(samples: readonly MemorySample[]): string {
  const first = rssBetween(samples, 0.1, 0.5);
  const second = rssBetween(samples, 0.5, 0.9);
  if (first.length === 0 || second.length === 0) return '-';
  const before = Math.max(...first);
  const after = Math.max(...second);
  const change = Math.round((100 * (after - before)) / before);
  return `${(before / 1048576).toFixed(0)} -> ${mb(after)} (${change >= 0 ? '+' : ''}${change}%)`;
}

/** Runs `work` under the V8 CPU profiler when BENCH_CPU_PROFILE names a folder. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!CPU_PROFILES) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(join(CPU_PROFILES, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Starts a measured phase from a quiet server: no dirty buffers left by the previous phase. */
async function settle(knex: Knex): Promise<void> {
  await knex.raw('CHECKPOINT');
}

async function limitLoop(
  knex: Knex,
  store: PostgresEventStore,
  onProgress: (events: number) => void,
): Promise<number> {
  await knex.raw(`CREATE TABLE bench_limit (
    position numeric(40,0) PRIMARY KEY, event_id uuid NOT NULL, stream_id text NOT NULL,
    type text NOT NULL, occurred_at timestamptz NOT NULL)`);
  let after: string | null = null;
  let events = 0;
  for (;;) {
    onProgress(events);
    const batch = await store.readAll({ after, limit: BATCH });
    if (batch.length === 0) return events;
    const last = batch[batch.length - 1]!.position;
    const rows = batch.map((e) => ({
      position: e.position,
      event_id: e.eventId,
      stream_id: e.streamId,
      type: e.type,
      occurred_at: e.metadata.occurredAt,
    }));
    await knex.transaction(async (trx) => {
      await trx.raw('SET LOCAL synchronous_commit = off');
      await trx.raw(
        `INSERT INTO bench_limit (position, event_id, stream_id, type, occurred_at)
         SELECT position, event_id, stream_id, type, occurred_at
           FROM json_populate_recordset(NULL::bench_limit, ?::json)
         ON CONFLICT (position) DO NOTHING`,
        [JSON.stringify(rows)],
      );
      await trx.raw(
        `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at)
         VALUES ('bench-limit', ?, ?, now())
         ON CONFLICT (name) DO UPDATE SET position = excluded.position,
           events_applied = projection_checkpoints.events_applied + excluded.events_applied,
           updated_at = now()`,
        [last, batch.length],
      );
    });
    after = last;
    events += batch.length;
  }
}

async function seedQueryCalls(knex: Knex, providers: readonly string[]): Promise<number> {
  const { rows } = await knex.raw<{ rows: Array<{ n: string }> }>(
    'SELECT count(*) AS n FROM calls',
  );
  const existing = Number(rows[0]?.n ?? 0);
  const missing = Math.max(0, QUERY_CALLS - existing);
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

async function measureQueries(
  client: pg.Client,
  busiestProvider: string,
): Promise<Array<{ who: string; p50: number; p99: number; max: number; rows: number }>> {
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
    for (let i = 0; i < QUERY_RUNS + 100; i += 1) {
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

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    process.stderr.write(
      'Set DATABASE_URL to a PostgreSQL server: the benchmark creates its own database there.\n',
    );
    process.exit(2);
  }
  const name = `ledger_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  const knex = knexFactory({
    client: 'pg',
    connection: connectionString,
    pool: { min: 0, max: 8 },
  });
  const pool = new pg.Pool({ connectionString, max: 8 });
  const store = new PostgresEventStore(pool, { idleReadMs: 100 });
  const benchStarted = performance.now();
  try {
    await migrateToLatest(knex);

    // --- seed -------------------------------------------------------------------------------
    const history = new CallHistory({ calls: CALLS, seed: 2025 });
    const seedStarted = performance.now();
    let seeded = 0;
    for (const commits of history.windows()) {
      seeded += await insertCommits(pool, commits, 2000);
      if (history.counts.calls % 10_000 === 0) {
        log(
          `seeded ${history.counts.calls.toLocaleString('en-US')} calls, ${seeded.toLocaleString('en-US')} events`,
        );
      }
    }
    await knex.raw('VACUUM ANALYZE ledger_events');
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded ${seeded.toLocaleString('en-US')} events in ${seedSeconds.toFixed(1)} s`);
    const mix = (
      await knex.raw<{ rows: Array<{ type: string; n: string }> }>(
        'SELECT type, count(*) AS n FROM ledger_events GROUP BY type ORDER BY 2 DESC',
      )
    ).rows;

    // --- the limit and the rebuild, alternately ---------------------------------------------------
    const feed = new PostgresFeedStatistics(knex);
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      if (global.gc) {
        // Run with --expose-gc: what stays alive from one round to the next (a leak would grow).
        global.gc();
        log(
          `round ${round}: heap used after a full collection ${mb(process.memoryUsage().heapUsed)}`,
        );
      }
      log(`round ${round}, the limit: plain INSERT ... ON CONFLICT + checkpoint loop`);
      await settle(knex);
      let limitDone = 0;
      const limit = await withRss(
        () =>
          profiled(`limit-${round}`, () =>
            limitLoop(knex, store, (events) => {
              limitDone = events;
            }),
          ),
        () => limitDone / seeded,
      );
      log(
        `limit: ${limit.result} events in ${limit.seconds.toFixed(1)} s (${rate(limit.result, limit.seconds)}), node CPU ${limit.cpuSeconds.toFixed(1)} s`,
      );

      log(`round ${round}, rebuild: read-models + audit-log into shadow tables, then swap`);
      // The limit's table would otherwise be vacuumed and analysed by autovacuum during the rebuild.
      await knex.raw('DROP TABLE bench_limit');
      await knex('projection_checkpoints').where({ name: 'bench-limit' }).delete();
      await settle(knex);
      let copied = 0;
      const phases: Record<string, number> = {};
      let lastPhase = '';
      let phaseStarted = performance.now();
      let lastLog = 0;
      const rebuild = await withRss(
        () =>
          profiled(`rebuild-${round}`, () =>
            rebuildProjections({
              store,
              knex,
              pool,
              projections: READ_MODEL_PROJECTIONS,
              batchSize: BATCH,
              countEvents: (prefixes) => feed.countEvents(null, prefixes),
              onProgress: (p) => {
                if (p.phase === 'copying' && p.total) copied = p.done / p.total;
                else if (p.phase !== 'copying') copied = 1;
                if (p.phase !== lastPhase) {
                  if (lastPhase) phases[lastPhase] = (performance.now() - phaseStarted) / 1000;
                  lastPhase = p.phase;
                  phaseStarted = performance.now();
                }
                if (performance.now() - lastLog > 5000) {
                  lastLog = performance.now();
                  log(
                    `rebuild ${p.phase}: ${p.done.toLocaleString('en-US')} / ${p.total?.toLocaleString('en-US')}`,
                  );
                }
              },
            }),
          ),
        () => copied,
      );
      phases[lastPhase] = (performance.now() - phaseStarted) / 1000;
      const rebuilt = rebuild.result.events;
      log(
        `rebuild: ${rebuilt} events in ${rebuild.seconds.toFixed(1)} s (${rate(rebuilt, rebuild.seconds)}), node CPU ${rebuild.cpuSeconds.toFixed(1)} s`,
      );
      rounds.push({ limit, rebuild, phases });
    }
    const { rebuild } = rounds[rounds.length - 1]!;
    const rebuilt = rebuild.result.events;
    const counts = (
      await knex.raw<{ rows: Array<Record<string, string>> }>(
        `SELECT (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM call_participants) AS participants,
                (SELECT count(*) FROM call_recordings) AS recordings,
                (SELECT count(*) FROM call_quality_samples) AS samples,
                (SELECT count(*) FROM call_daily_stats) AS daily, (SELECT count(*) FROM audit_log) AS audit`,
      )
    ).rows[0]!;

    // --- live runners catching up (optional) ----------------------------------------------------
    let runners: { seconds: number; peakRss: number; samples: MemorySample[] } | null = null;
    if (RUNNERS) {
      log('live runners: catching up from zero on the live tables (batch 500)');
      await knex.raw(`TRUNCATE calls, call_participants, call_recordings, call_quality_samples,
                      call_daily_stats, audit_log`);
      await knex('projection_checkpoints').whereIn('name', ['read-models', 'audit-log']).delete();
      const head = (await store.headPosition())!;
      const quiet = { info: () => undefined, error: (m: string) => log(m) };
      const list = READ_MODEL_PROJECTIONS.map(
        (p) =>
          new ProjectionRunner(
            p.create((t) => t, { rebuild: false }),
            { store, knex, lockPool: pool, logger: quiet },
          ),
      );
      // The audit log follows every stream, so its runner's count is a fraction of all events.
      const audit = list.find((runner) => runner.name === 'audit-log');
      await settle(knex);
      const measured = await withRss(
        async () => {
          for (const runner of list) runner.start();
          for (const runner of list) await runner.waitFor(head, 900_000);
        },
        () => (audit?.status().eventsApplied ?? 0) / seeded,
      );
      for (const runner of list) await runner.stop();
      runners = measured;
      log(`runners: ${rebuilt} events in ${measured.seconds.toFixed(1)} s`);
    }

    // --- history page queries ------------------------------------------------------------------
    const queryCalls = await seedQueryCalls(knex, history.providerIds);
    const client = new pg.Client({ connectionString });
    await client.connect();
    const queries = await measureQueries(client, history.providerIds[0]!);
    await client.end();

    // --- report --------------------------------------------------------------------------------
    const out: string[] = [];
    out.push('', `# Projection benchmark (${new Date().toISOString()})`, '');
    out.push(
      `Ledger: ${seeded.toLocaleString('en-US')} events of ${CALLS.toLocaleString('en-US')} calls ` +
        `(seeded in ${seedSeconds.toFixed(0)} s, not measured). Batch ${BATCH} events. ` +
        `PostgreSQL ${(await knex.raw<{ rows: Array<{ v: string }> }>("SELECT current_setting('server_version') AS v")).rows[0]?.v}, ` +
        `Node ${process.version}.`,
    );
    out.push(
      '',
      'Event mix: ' + mix.map((m) => `${m.type} ${Number(m.n).toLocaleString('en-US')}`).join(', '),
      '',
    );
    const ofLimit = (events: number, seconds: number, round: Round): string =>
      `${Math.round((100 * (events / seconds)) / (round.limit.result / round.limit.seconds))}%`;
    const rows: string[][] = rounds.flatMap((round, index) => [
      [
        `round ${index + 1}: the limit, INSERT ... ON CONFLICT + checkpoint`,
        round.limit.result.toLocaleString('en-US'),
        round.limit.seconds.toFixed(1),
        rate(round.limit.result, round.limit.seconds),
        '100%',
        mb(round.limit.peakRss),
        shape(round.limit.samples, (sample) => sample.rss),
        rssSpread(round.limit.samples),
        rssGrowth(round.limit.samples),
        shape(round.limit.samples, (sample) => sample.heapUsed),
      ],
      [
        `round ${index + 1}: rebuild read-models + audit-log (incl. indexes, swap)`,
        round.rebuild.result.events.toLocaleString('en-US'),
        round.rebuild.seconds.toFixed(1),
        rate(round.rebuild.result.events, round.rebuild.seconds),
        ofLimit(round.rebuild.result.events, round.rebuild.seconds, round),
        mb(round.rebuild.peakRss),
        shape(round.rebuild.samples, (sample) => sample.rss),
        rssSpread(round.rebuild.samples),
        rssGrowth(round.rebuild.samples),
        shape(round.rebuild.samples, (sample) => sample.heapUsed),
      ],
    ]);
    if (runners) {
      rows.push([
        'live runners from zero (batch 500, indexed tables)',
        rebuilt.toLocaleString('en-US'),
        runners.seconds.toFixed(1),
        rate(rebuilt, runners.seconds),
        ofLimit(rebuilt, runners.seconds, rounds[rounds.length - 1]!),
        mb(runners.peakRss),
        shape(runners.samples, (sample) => sample.rss),
        rssSpread(runners.samples),
        rssGrowth(runners.samples),
        shape(runners.samples, (sample) => sample.heapUsed),
      ]);
    }
    out.push(
      table(
        [
          'run',
          'events',
          'seconds',
          'rate',
          'of limit',
          'peak RSS',
          'RSS MB at 10/30/50/70/90% of events',
          'RSS from 10% to 90%',
          'RSS peak 10-50% -> 50-90%',
          'heap used MB at 10/30/50/70/90%',
        ],
        rows,
      ),
    );
    out.push(
      '',
      ...rounds.map(
        (round, index) =>
          `Round ${index + 1}: node CPU limit ${round.limit.cpuSeconds.toFixed(1)} s, rebuild ${round.rebuild.cpuSeconds.toFixed(1)} s; ` +
          `rebuild phases (s): ${Object.entries(round.phases)
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', ')}.`,
      ),
      `Rows: ${Object.entries(counts)
        .map(([k, v]) => `${k} ${Number(v).toLocaleString('en-US')}`)
        .join(', ')}.`,
      '',
      `History page (keyset, LIMIT 20) over ${queryCalls.toLocaleString('en-US')} calls, ${QUERY_RUNS} runs each:`,
      '',
      table(
        ['who', 'p50 ms', 'p99 ms', 'max ms', 'rows/page'],
        queries.map((q) => [
          q.who,
          q.p50.toFixed(2),
          q.p99.toFixed(2),
          q.max.toFixed(2),
          q.rows.toFixed(1),
        ]),
      ),
      '',
      `Whole benchmark: ${((performance.now() - benchStarted) / 1000).toFixed(0)} s.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await store.close();
    await pool.end();
    await knex.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
