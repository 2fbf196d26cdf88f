import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Benchmarks run against a real PostgreSQL: DATABASE_URL, or the local one on 127.0.0.1:5432. */
export const BENCH_SERVER_URL =
  process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly connectionString: string;
  drop(): Promise<void>;
}

/** A database of the benchmark's own on that server, dropped at the end. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `ledger_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** Runs `workers` loops of `step` until `durationMs` passes; returns per-step latencies (ms). */
export async function runLoad(
  workers: number,
  durationMs: number,
  step: (worker: number, iteration: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let iteration = 0; performance.now() < deadline; iteration++) {
        const before = performance.now();
        await step(worker, iteration);
        latencies.push(performance.now() - before);
      }
    }),
  );
  return {
    latencies: latencies.sort((a, b) => a - b),
    seconds: (performance.now() - started) / 1000,
  };
}
