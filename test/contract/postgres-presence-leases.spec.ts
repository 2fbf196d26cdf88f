import knexFactory from 'knex';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrations/migration-source.js';
import { PostgresPresenceLeases } from '../../src/infrastructure/presence/postgres-presence-leases.adapter.js';
import { TEST_ROLES, createTestDatabase } from '../support/test-database.js';
import { presenceLeasesContract } from './presence-leases.contract.js';

presenceLeasesContract('PostgreSQL, as the service role', async () => {
  const database = await createTestDatabase();
  const owner = knexFactory({ client: 'pg', connection: database.ownerConnectionString });
  try {
    await migrateToLatest(owner, { serviceRole: TEST_ROLES.service });
  } finally {
    await owner.destroy();
  }
  const knex = knexFactory({ client: 'pg', connection: database.serviceConnectionString });
  return {
    leases: new PostgresPresenceLeases(knex),
    teardown: async () => {
      await knex.destroy();
      await database.drop();
    },
  };
});
