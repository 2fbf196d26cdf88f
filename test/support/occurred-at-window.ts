import pg from 'pg';

/**
 * Makes the ledger in this database accept an `occurredAt` at any distance from the database's
 * clock, as its owner may (migration 009-ledger-append-checks): for tests whose events carry a
 * manual clock's time or a generated history's, not the real time. `connectionString` is the
 * superuser's or the owner's; the schema must be migrated.
 */
export async function acceptAnyOccurredAt(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`
      CREATE OR REPLACE FUNCTION ledger_occurred_at_window(OUT ahead interval, OUT behind interval)
      LANGUAGE sql STABLE AS $$ SELECT interval '1000 years', interval '1000 years' $$`);
  } finally {
    await client.end();
  }
}
