import type { Knex } from 'knex';
import { ledgerEventsMigration } from './001-ledger-events.js';
import { usersMigration } from './002-users.js';
import { timersAndCheckpointsMigration } from './003-timers-and-checkpoints.js';
import { readModelsMigration } from './004-read-models.js';
import { analyticsViewsMigration } from './005-analytics-views.js';
import { auditActorCollationMigration } from './006-audit-actor-collation.js';
import { ledgerTreeMigration } from './008-ledger-tree.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: readonly Migration[] = [
  ledgerEventsMigration,
  usersMigration,
  timersAndCheckpointsMigration,
  readModelsMigration,
  analyticsViewsMigration,
  auditActorCollationMigration,
  ledgerTreeMigration,
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};

/**
 * Brings the schema up to date. Instances starting together on a fresh database would race to
 * create knex's own lock table, so a transaction-scoped advisory lock lets one migrate at a time.
 */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext('call-ledger:migrations'))");
    await knex.migrate.latest({ migrationSource, tableName: 'knex_migrations' });
  });
}
