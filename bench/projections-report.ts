import { markdownTable } from './markdown-table.js';
import type { Measured } from './memory-sampling.js';
import { rssGrowth, rssSpread, shape } from './memory-shape.js';
import { mb, rate } from './number-format.js';
import type { PageTimes } from './projections-page-queries.js';
import type { Round } from './projections-rounds.js';
import type { SeededLedger } from './projections-seed.js';

/** Everything the projection benchmark measured, to be printed. */
export interface ProjectionsResults {
  readonly calls: number;
  readonly batch: number;
  readonly serverVersion: string | undefined;
  readonly seeded: SeededLedger;
  readonly rounds: readonly Round[];
  readonly runners: Measured<void> | null;
  /** Rows in each read-model table after the last rebuild. */
  readonly rows: Record<string, string>;
  readonly queryCalls: number;
  readonly queryRuns: number;
  readonly queries: readonly PageTimes[];
  /** `performance.now()` when the benchmark started. */
  readonly started: number;
}

const RUN_COLUMNS = [
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
];

/** One run's line in the table; `ofLimit` is its rate as a share of the limit's. */
function runRow(
  run: string,
  events: number,
  measured: Pick<Measured<unknown>, 'seconds' | 'peakRss' | 'samples'>,
  ofLimit: string,
): string[] {
  return [
    run,
    events.toLocaleString('en-US'),
    measured.seconds.toFixed(1),
    rate(events, measured.seconds),
    ofLimit,
    mb(measured.peakRss),
    shape(measured.samples, (sample) => sample.rss),
    rssSpread(measured.samples),
    rssGrowth(measured.samples),
    shape(measured.samples, (sample) => sample.heapUsed),
  ];
}

/** The Markdown report printed on stdout. */
export function projectionsReport(results: ProjectionsResults): string {
  const { seeded, rounds, runners } = results;
  const rebuilt = rounds[rounds.length - 1]!.rebuild.result.events;
  const out: string[] = [];
  out.push('', `# Projection benchmark (${new Date().toISOString()})`, '');
  out.push(
    `Ledger: ${seeded.events.toLocaleString('en-US')} events of ${results.calls.toLocaleString('en-US')} calls ` +
      `(seeded in ${seeded.seconds.toFixed(0)} s, not measured). Batch ${results.batch} events. ` +
      `PostgreSQL ${results.serverVersion}, ` +
      `Node ${process.version}.`,
  );
  out.push(
    '',
    'Event mix: ' +
      seeded.mix.map((m) => `${m.type} ${Number(m.n).toLocaleString('en-US')}`).join(', '),
    '',
  );
  const ofLimit = (events: number, seconds: number, round: Round): string =>
    `${Math.round((100 * (events / seconds)) / (round.limit.result / round.limit.seconds))}%`;
  const rows: string[][] = rounds.flatMap((round, index) => [
    runRow(
      `round ${index + 1}: the limit, INSERT ... ON CONFLICT + checkpoint`,
      round.limit.result,
      round.limit,
      '100%',
    ),
    runRow(
      `round ${index + 1}: rebuild read-models + audit-log (incl. indexes, swap)`,
      round.rebuild.result.events,
      round.rebuild,
      ofLimit(round.rebuild.result.events, round.rebuild.seconds, round),
    ),
  ]);
  if (runners) {
    rows.push(
      runRow(
        'live runners from zero (batch 500, indexed tables)',
        rebuilt,
        runners,
        ofLimit(rebuilt, runners.seconds, rounds[rounds.length - 1]!),
      ),
    );
  }
  out.push(markdownTable(RUN_COLUMNS, rows));
  out.push(
    '',
    ...rounds.map(
      (round, index) =>
        `Round ${index + 1}: node CPU limit ${round.limit.cpuSeconds.toFixed(1)} s, rebuild ${round.rebuild.cpuSeconds.toFixed(1)} s; ` +
        `rebuild phases (s): ${Object.entries(round.phases)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(', ')}.`,
    ),
    `Rows: ${Object.entries(results.rows)
      .map(([k, v]) => `${k} ${Number(v).toLocaleString('en-US')}`)
      .join(', ')}.`,
    '',
    `History page (keyset, LIMIT 20) over ${results.queryCalls.toLocaleString('en-US')} calls, ${results.queryRuns} runs each:`,
    '',
    markdownTable(
      ['who', 'p50 ms', 'p99 ms', 'max ms', 'rows/page'],
      results.queries.map((q) => [
        q.who,
        q.p50.toFixed(2),
        q.p99.toFixed(2),
        q.max.toFixed(2),
        q.rows.toFixed(1),
      ]),
    ),
    '',
    `Whole benchmark: ${((performance.now() - results.started) / 1000).toFixed(0)} s.`,
  );
  return out.join('\n');
}
