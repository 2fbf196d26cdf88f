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
