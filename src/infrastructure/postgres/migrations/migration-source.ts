import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: readonly Migration[] = [];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};

export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource, tableName: 'knex_migrations' });
}
