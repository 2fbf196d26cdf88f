import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrations/migration-source.js';
import { ANALYST_ROLE } from '../../src/infrastructure/postgres/migrations/005-analytics-views.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('analytics views and the analyst role', () => {
  let database: TestDatabase;
  let knex: Knex;

  beforeAll(async () => {
    database = await createTestDatabase();
    knex = knexFactory({
      client: 'pg',
      connection: database.connectionString,
      pool: { min: 0, max: 2 },
    });
    await migrateToLatest(knex);
  });
  afterAll(async () => {
    await knex.destroy();
    await database.drop();
  });

  /** Runs `sql` as the analyst role inside a transaction that is always rolled back. */
  async function asAnalyst(sql: string): Promise<unknown> {
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${ANALYST_ROLE}`);
      return (await client.query(sql)).rows;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  it('lets the analyst role read every analytics view', async () => {
    for (const view of ['calls', 'daily_call_stats', 'quality_samples', 'recordings']) {
      await expect(asAnalyst(`SELECT * FROM analytics.${view} LIMIT 1`)).resolves.toEqual([]);
    }
  });

  it.each([
    'SELECT * FROM public.calls',
    'SELECT * FROM public.users',
    'SELECT * FROM public.ledger_events',
    'SELECT * FROM public.audit_log',
    "INSERT INTO public.calls (id) VALUES ('00000000-0000-4000-8000-000000000000')",
    'DELETE FROM analytics.calls',
  ])('refuses the analyst role: %s', async (sql) => {
    await expect(asAnalyst(sql)).rejects.toThrow(/permission denied|cannot delete/);
  });

  it('exposes no patient identifier or free text', async () => {
    const { rows } = await knex.raw<{ rows: Array<{ column_name: string }> }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics'",
    );
    const columns = rows.map((row) => row.column_name);
    expect(columns.length).toBeGreaterThan(20);
    for (const forbidden of [
      'patient_id',
      'user_id',
      'reason',
      'end_reason',
      'failure_reason',
      'consented_participants',
      'origin',
      'display_name',
      'email',
    ]) {
      expect(columns).not.toContain(forbidden);
    }
  });
});
