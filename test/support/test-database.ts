import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** As the test server's superuser: for set-up, inspection and tampering. */
  readonly connectionString: string;
  /** As the role that owns the database and migrates it. */
  readonly ownerConnectionString: string;
  /** As the role the service runs as (granted its privileges when the owner migrates). */
  readonly serviceConnectionString: string;
  drop(): Promise<void>;
}

/**
 * Roles are cluster-wide: every test file's database shares these two, created by whichever
 * worker comes first. The password matters only on a server that asks for one.
 */
export const TEST_ROLES = { owner: 'ledger_test_owner', service: 'ledger_test_service' } as const;
const TEST_ROLE_PASSWORD = 'ledger-test';

async function ensureTestRoles(admin: pg.Client): Promise<void> {
  for (const role of Object.values(TEST_ROLES)) {
    await admin.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} LOGIN PASSWORD '${TEST_ROLE_PASSWORD}';
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
  }
}

function asRole(url: string, role: string): string {
  const copy = new URL(url);
  copy.username = role;
  copy.password = TEST_ROLE_PASSWORD;
  return copy.toString();
}

function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url)
    throw new Error('TEST_PG_ADMIN_URL is not set: run the tests through jest (global setup)');
  return url;
}

/** A fresh, empty database of its own for one test file (or one test). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${process.env.TEST_RUN_PREFIX ?? 'ledger_test'}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await ensureTestRoles(admin);
    await admin.query(`CREATE DATABASE "${name}" OWNER ${TEST_ROLES.owner}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    ownerConnectionString: asRole(url.toString(), TEST_ROLES.owner),
    serviceConnectionString: asRole(url.toString(), TEST_ROLES.service),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
