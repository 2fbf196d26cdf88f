import type { Knex } from 'knex';
import type pg from 'pg';
import type { PostgresEventStore } from '../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import type { PostgresFeedStatistics } from '../src/infrastructure/event-store/postgres/postgres-feed-statistics.js';
import { READ_MODEL_PROJECTIONS } from '../src/projections/read-model-projections.js';
import {
  rebuildProjections,
  type RebuildResult,
} from '../src/projections/rebuild/projection-rebuild.js';
import { profiled } from './cpu-profile.js';
import { withRss, type Measured } from './memory-sampling.js';
import { mb, rate } from './number-format.js';
import { dropLimitTable, limitLoop } from './projections-limit.js';
import { log } from './progress-log.js';

/** The seeded ledger the projections are measured on, and how to measure them. */
export interface ProjectionsLedger {
  readonly knex: Knex;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly feed: PostgresFeedStatistics;
  /** Events in the ledger, to tell how far through them a run is. */
  readonly events: number;
  /** Events read per batch. */
  readonly batch: number;
  /** A folder to write CPU profiles of each run into, if any. */
  readonly cpuProfiles: string | undefined;
}

/** One round: the limit, then the rebuild compared with it. */
export interface Round {
  readonly limit: Measured<number>;
  readonly rebuild: Measured<RebuildResult>;
  /** Seconds spent in each phase of the rebuild. */
  readonly phases: Record<string, number>;
}

/** Starts a measured phase from a quiet server: no dirty buffers left by the previous phase. */
export async function settle(knex: Knex): Promise<void> {
  await knex.raw('CHECKPOINT');
}

export async function measureRound(ledger: ProjectionsLedger, round: number): Promise<Round> {
  if (global.gc) {
    // Run with --expose-gc: what stays alive from one round to the next (a leak would grow).
    global.gc();
    log(`round ${round}: heap used after a full collection ${mb(process.memoryUsage().heapUsed)}`);
  }
  const limit = await measureLimit(ledger, round);
  // The limit's table would otherwise be vacuumed and analysed by autovacuum during the rebuild.
  await dropLimitTable(ledger.knex);
  const { rebuild, phases } = await measureRebuild(ledger, round);
  return { limit, rebuild, phases };
}

async function measureLimit(ledger: ProjectionsLedger, round: number): Promise<Measured<number>> {
  const { knex, store } = ledger;
  log(`round ${round}, the limit: plain INSERT ... ON CONFLICT + checkpoint loop`);
  await settle(knex);
  let limitDone = 0;
  const limit = await withRss(
    () =>
      profiled(ledger.cpuProfiles, `limit-${round}`, () =>
        limitLoop(knex, store, ledger.batch, (events) => {
          limitDone = events;
        }),
      ),
    () => limitDone / ledger.events,
  );
  log(
    `limit: ${limit.result} events in ${limit.seconds.toFixed(1)} s (${rate(limit.result, limit.seconds)}), node CPU ${limit.cpuSeconds.toFixed(1)} s`,
  );
  return limit;
}

/** The rebuild of every read-model projection (one pass) into shadow tables, indexes, swap. */
async function measureRebuild(
  ledger: ProjectionsLedger,
  round: number,
): Promise<Pick<Round, 'rebuild' | 'phases'>> {
  const { knex, store, pool, feed } = ledger;
  log(`round ${round}, rebuild: read-models + audit-log into shadow tables, then swap`);
  await settle(knex);
  let copied = 0;
  const phases: Record<string, number> = {};
  let lastPhase = '';
  let phaseStarted = performance.now();
  let lastLog = 0;
  const rebuild = await withRss(
    () =>
      profiled(ledger.cpuProfiles, `rebuild-${round}`, () =>
        rebuildProjections({
          store,
          knex,
          pool,
          projections: READ_MODEL_PROJECTIONS,
          batchSize: ledger.batch,
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
  return { rebuild, phases };
}

/** The rows the rebuild left in each read-model table. */
export async function countReadModelRows(knex: Knex): Promise<Record<string, string>> {
  return (
    await knex.raw<{ rows: Array<Record<string, string>> }>(
      `SELECT (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM call_participants) AS participants,
              (SELECT count(*) FROM call_recordings) AS recordings,
              (SELECT count(*) FROM call_quality_samples) AS samples,
              (SELECT count(*) FROM call_daily_stats) AS daily, (SELECT count(*) FROM audit_log) AS audit`,
    )
  ).rows[0]!;
}
