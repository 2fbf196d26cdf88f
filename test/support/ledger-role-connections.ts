import pg from 'pg';
import { prepareSchema } from '../../src/infrastructure/postgres/prepare-schema.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A migrated database of its own, as a deployment has it, with one client per role. */
export interface LedgerRoleConnections {
  readonly database: TestDatabase;
  /** As the service role: reads the ledger, appends through its functions. */
  readonly service: pg.Client;
  /** As the ledger's owner. */
  readonly owner: pg.Client;
}

export interface OpenLedgerRoleConnections extends LedgerRoleConnections {
  /** Ends both clients and drops the database. */
  close(): Promise<void>;
}

export async function openLedgerRoleConnections(): Promise<OpenLedgerRoleConnections> {
  const database = await createTestDatabase();
  await prepareSchema({
    serviceUrl: database.serviceConnectionString,
    ownerUrl: database.ownerConnectionString,
    production: false,
  });
  const service = new pg.Client({ connectionString: database.serviceConnectionString });
  const owner = new pg.Client({ connectionString: database.ownerConnectionString });
  await service.connect();
  await owner.connect();
  return {
    database,
    service,
    owner,
    async close() {
      await service.end();
      await owner.end();
      await database.drop();
    },
  };
}

/**
 * The same, opened before the enclosing block's tests (beforeAll) and closed after them
 * (afterAll); the connections are there once the tests run.
 */
export function ledgerRoleConnections(): LedgerRoleConnections {
  let opened: OpenLedgerRoleConnections | null = null;
  beforeAll(async () => {
    opened = await openLedgerRoleConnections();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const current = (): LedgerRoleConnections => {
    if (!opened) throw new Error('the role connections are opened in beforeAll');
    return opened;
  };
  return {
    get database() {
      return current().database;
    },
    get service() {
      return current().service;
    },
    get owner() {
      return current().owner;
    },
  };
}
