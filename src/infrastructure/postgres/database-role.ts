import type { Knex } from 'knex';

/** The PostgreSQL role a connection runs as, and what it can do to the ledger. */
export interface DatabaseRole {
  readonly name: string;
  readonly superuser: boolean;
  /** Owns `ledger_events` (or is a member of its owner); null while there is no ledger yet. */
  readonly ownsLedger: boolean | null;
  /** May create tables in the current schema (what a first migration needs). */
  readonly mayCreate: boolean;
  /** Has CREATEROLE: may create roles and grant itself (or them) other roles' rights. */
  readonly createsRoles: boolean;
  /** A member of `pg_write_all_data`, directly or through another role: may write every table. */
  readonly writesAllData: boolean;
}

export async function describeDatabaseRole(knex: Knex): Promise<DatabaseRole> {
  // pg_write_all_data exists from PostgreSQL 14 on; pg_has_role fails on a role that does not.
  const { rows } = await knex.raw<{ rows: DatabaseRole[] }>(
    `SELECT current_user AS name, r.rolsuper AS superuser,
            CASE WHEN to_regclass('ledger_events') IS NULL THEN NULL
                 ELSE pg_has_role(current_user,
                        (SELECT relowner FROM pg_class WHERE oid = to_regclass('ledger_events')),
                        'MEMBER') END AS "ownsLedger",
            has_schema_privilege(current_schema(), 'CREATE') AS "mayCreate",
            r.rolcreaterole AS "createsRoles",
            CASE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_write_all_data')
                 THEN false
                 ELSE pg_has_role(current_user, 'pg_write_all_data', 'MEMBER') END
              AS "writesAllData"
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const role = rows[0];
  if (role === undefined) throw new Error('the connected role is not in pg_roles');
  return role;
}

/** Whether this role can bring the schema up to date itself. */
export function mayMigrate(role: DatabaseRole): boolean {
  return role.superuser || role.ownsLedger === true || (role.ownsLedger === null && role.mayCreate);
}

const REMEDY =
  'Run the service as a role of its own (README, "Database roles"): DATABASE_URL names the ' +
  "service role, and migrations run as the owner with 'npm run ledger -- migrate' and " +
  'DATABASE_OWNER_URL, which the server itself is not given.';

/**
 * Why the service may not run in production as this role, or null when it may. A superuser or the
 * ledger's owner can disable the append-only triggers and rewrite history; a role with CREATEROLE
 * can make itself (or a role it creates) a member of the owner; a member of pg_write_all_data can
 * insert into the ledger's tables around `ledger_append`. The service must hold no more than
 * reading the ledger and appending to it.
 */
export function productionRoleRefusal(role: DatabaseRole): string | null {
  const refusing = `Refusing to start in production as ${role.name}`;
  if (role.superuser) {
    return (
      `${refusing}, a PostgreSQL superuser: it could rewrite or delete the ledger's history. ` +
      REMEDY
    );
  }
  if (role.ownsLedger === true) {
    return (
      `${refusing}, the owner of the ledger's tables (or a member of their owner): it could ` +
      `disable the append-only triggers and rewrite history. ${REMEDY}`
    );
  }
  if (role.createsRoles) {
    return (
      `${refusing}, a role with CREATEROLE: it could grant itself, or a role it creates, the ` +
      `owner's rights and rewrite history. Remove it (ALTER ROLE ${role.name} NOCREATEROLE). ${REMEDY}`
    );
  }
  if (role.writesAllData) {
    return (
      `${refusing}, a member of pg_write_all_data (directly or through another role): it could ` +
      `write the ledger's tables directly, around ledger_append. Revoke that membership. ${REMEDY}`
    );
  }
  return null;
}

/**
 * Why the server may not start in production with the owner's URL (DATABASE_OWNER_URL) in its
 * configuration, or null when it may. The owner can disable the append-only triggers, so its
 * credentials belong to the migrate command alone, never to the long-running server.
 */
export function productionOwnerUrlRefusal(
  production: boolean,
  ownerUrlSet: boolean,
): string | null {
  if (!production || !ownerUrlSet) return null;
  return (
    'Refusing to start the server in production with DATABASE_OWNER_URL set: the owner of the ' +
    "ledger's tables can disable the append-only triggers and rewrite history, so its " +
    "credentials belong to 'npm run ledger -- migrate' alone. Migrate with it, then start the " +
    'server without DATABASE_OWNER_URL.'
  );
}

export class DatabaseRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseRoleError';
  }
}
