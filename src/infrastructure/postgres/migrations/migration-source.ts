import type { Knex } from 'knex';
import { ledgerEventsMigration } from './001-ledger-events.js';
import { usersMigration } from './002-users.js';
import { timersAndCheckpointsMigration } from './003-timers-and-checkpoints.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: readonly Migration[] = [
  ledgerEventsMigration,
  usersMigration,
  timersAndCheckpointsMigration,
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};

export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource, tableName: 'knex_migrations' });
}
