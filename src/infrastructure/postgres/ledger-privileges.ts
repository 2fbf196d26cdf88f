import type { Knex } from 'knex';
import { currentSchema } from './current-schema.js';

type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const READ: readonly TablePrivilege[] = ['SELECT'];
const GROW: readonly TablePrivilege[] = ['SELECT', 'INSERT'];
const FULL: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * What the service role may do with each table of the ledger's schema, in one place. The owner
 * (the role that migrates) keeps everything else; no table gives the service TRUNCATE, ALTER,
 * trigger control or REFERENCES.
 */
export const SERVICE_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  // The ledger: read here, appended to only through ledger_append and ledger_append_batch, which
  // run as the owner.
  ledger_events: READ,
  ledger_streams: READ,
  // The Merkle tree over the ledger and its signed checkpoints: they grow and never change.
  ledger_tree_leaves: GROW,
  ledger_tree_nodes: GROW,
  ledger_checkpoints: GROW,
  // The stream heads as of the newest checkpoint, moved in place when one is signed.
  ledger_tree_heads: ['SELECT', 'INSERT', 'UPDATE'],
  // Login sessions and their refresh tokens: opened, used and ended, never deleted, so an ended
  // session remains the record of when and why it ended.
  sessions: ['SELECT', 'INSERT', 'UPDATE'],
  session_refresh_tokens: ['SELECT', 'INSERT', 'UPDATE'],
  // The schema's history: read to check that it is current, written by migrations only.
  knex_migrations: READ,
  knex_migrations_lock: READ,
  // Rate-limit counters: counted, reset and expired by the service on every instance.
  rate_limit_counters: FULL,
  // Presence leases: taken, renewed, claimed by a sweep and released by the service.
  presence_leases: FULL,
};

/** Every other table (read models, timers, users, projection checkpoints) is the service's to keep. */
const OTHER_TABLES = FULL;

/** The only functions the service calls with the owner's rights. */
const SERVICE_FUNCTIONS = [
  'ledger_append(text, bigint, jsonb)',
  'ledger_append_batch(jsonb)',
] as const;

export function servicePrivilegesOf(table: string): readonly TablePrivilege[] {
  return SERVICE_TABLE_PRIVILEGES[table] ?? OTHER_TABLES;
}

export class ServiceRoleOwnsTablesError extends Error {
  constructor(role: string, tables: readonly string[]) {
    super(
      `The service role ${role} owns ${tables.join(', ')}, so no grant can limit it. ` +
        `As a superuser, run REASSIGN OWNED BY ${role} TO <owner role> in the ledger's database, ` +
        'then migrate again with DATABASE_OWNER_URL.',
    );
    this.name = 'ServiceRoleOwnsTablesError';
  }
}

/**
 * Grants the service role exactly its privileges on every table of the current schema that exists
 * (tables a later migration adds are covered once it has run). Idempotent: every table's grants
 * are revoked and given again, in the caller's transaction. Run by the owner after migrating.
 */
export async function grantServicePrivileges(knex: Knex, serviceRole: string): Promise<void> {
  const { rows: tables } = await knex.raw<{
    rows: Array<{ name: string; ownedByService: boolean }>;
  }>(
    `SELECT c.relname AS name, pg_has_role(?, c.relowner, 'USAGE') AS "ownedByService"
       FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
    [serviceRole],
  );
  const owned = tables.filter((table) => table.ownedByService).map((table) => table.name);
  if (owned.length > 0) throw new ServiceRoleOwnsTablesError(serviceRole, owned);

  const schema = await currentSchema(knex);
  // Nobody but the owner creates objects here: ledger_append resolves names in this schema.
  // (PostgreSQL 15 and later already deny PUBLIC; revoking what the owner cannot is only a warning.)
  await knex.raw('REVOKE CREATE ON SCHEMA ?? FROM PUBLIC', [schema]);
  await knex.raw('REVOKE CREATE ON SCHEMA ?? FROM ??', [schema, serviceRole]);
  await knex.raw('GRANT USAGE ON SCHEMA ?? TO ??', [schema, serviceRole]);
  for (const { name } of tables) {
    await knex.raw('REVOKE ALL ON TABLE ?? FROM ??', [name, serviceRole]);
    await knex.raw(`GRANT ${servicePrivilegesOf(name).join(', ')} ON TABLE ?? TO ??`, [
      name,
      serviceRole,
    ]);
  }
  // A sequence serves its table: usable by the service only where it may insert.
  const { rows: sequences } = await knex.raw<{ rows: Array<{ sequence: string; table: string }> }>(
    `SELECT s.relname AS sequence, t.relname AS "table"
       FROM pg_class s
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'a'
       JOIN pg_class t ON t.oid = d.refobjid
      WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace`,
  );
  for (const { sequence, table } of sequences) {
    await knex.raw('REVOKE ALL ON SEQUENCE ?? FROM ??', [sequence, serviceRole]);
    if (servicePrivilegesOf(table).includes('INSERT')) {
      await knex.raw('GRANT USAGE ON SEQUENCE ?? TO ??', [sequence, serviceRole]);
    }
  }
  // Only the listed functions: an older append kept under another name keeps its old grants.
  await knex.raw('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ?? FROM ??', [schema, serviceRole]);
  for (const signature of SERVICE_FUNCTIONS) {
    await knex.raw(`GRANT EXECUTE ON FUNCTION ${signature} TO ??`, [serviceRole]);
  }
}
