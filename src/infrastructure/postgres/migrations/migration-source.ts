import type { Knex } from 'knex';
import { ledgerEventsMigration } from './001-ledger-events.js';
import { usersMigration } from './002-users.js';
import { timersAndCheckpointsMigration } from './003-timers-and-checkpoints.js';
import { readModelsMigration } from './004-read-models.js';
import { analyticsViewsMigration } from './005-analytics-views.js';
import { auditActorCollationMigration } from './006-audit-actor-collation.js';
import { ledgerLeastPrivilegeMigration } from './007-ledger-least-privilege.js';
import { ledgerTreeMigration } from './008-ledger-tree.js';
import { ledgerAppendChecksMigration } from './009-ledger-append-checks.js';
import { sessionsMigration } from './010-sessions.js';
import { rateLimitsMigration } from './011-rate-limits.js';
import { recordingUploadsMigration } from './012-recording-uploads.js';
import { presenceLeasesMigration } from './013-presence-leases.js';
import { ledgerAppendBatchMigration } from './014-ledger-append-batch.js';
import { grantServicePrivileges } from '../ledger-privileges.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: readonly Migration[] = [
  ledgerEventsMigration,
  usersMigration,
  timersAndCheckpointsMigration,
  readModelsMigration,
  analyticsViewsMigration,
  auditActorCollationMigration,
  ledgerLeastPrivilegeMigration,
  ledgerTreeMigration,
  ledgerAppendChecksMigration,
  sessionsMigration,
  rateLimitsMigration,
  recordingUploadsMigration,
  presenceLeasesMigration,
  ledgerAppendBatchMigration,
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
};

export interface MigrateOptions {
  /** The role the service runs as, when it is not the migrating role: granted its privileges. */
  readonly serviceRole?: string;
}

/**
 * Brings the schema up to date. Instances starting together on a fresh database would race to
 * create knex's own lock table, so a transaction-scoped advisory lock lets one migrate at a time
 * (and grant at a time: concurrent GRANTs on one table can fail).
 */
export async function migrateToLatest(knex: Knex, options: MigrateOptions = {}): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw("SELECT pg_advisory_xact_lock(hashtext('call-ledger:migrations'))");
    await knex.migrate.latest({ migrationSource, tableName: 'knex_migrations' });
    if (options.serviceRole !== undefined) await grantServicePrivileges(trx, options.serviceRole);
  });
}

/** The migrations this database has not had yet, by name, oldest first. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: Array<{ present: boolean }> }>(
    "SELECT to_regclass('knex_migrations') IS NOT NULL AS present",
  );
  const applied = new Set<string>();
  if (rows[0]?.present === true) {
    const done = await knex<{ name: string }>('knex_migrations').select('name');
    for (const { name } of done) applied.add(name);
  }
  return MIGRATIONS.map((migration) => migration.name).filter((name) => !applied.has(name));
}
