import type { Knex } from 'knex';

/** The PostgreSQL role a connection runs as, and what it can do to the ledger. */
export interface DatabaseRole {
  readonly name: string;
  readonly superuser: boolean;
  /** Owns `ledger_events` (or is a member of its owner); null while there is no ledger yet. */
  readonly ownsLedger: boolean | null;
  /** May create tables in the current schema (what a first migration needs). */
  readonly mayCreate: boolean;
}

export async function describeDatabaseRole(knex: Knex): Promise<DatabaseRole> {
  const { rows } = await knex.raw<{ rows: DatabaseRole[] }>(
    `SELECT current_user AS name, r.rolsuper AS superuser,
            CASE WHEN to_regclass('ledger_events') IS NULL THEN NULL
                 ELSE pg_has_role(current_user,
                        (SELECT relowner FROM pg_class WHERE oid = to_regclass('ledger_events')),
                        'MEMBER') END AS "ownsLedger",
            has_schema_privilege(current_schema(), 'CREATE') AS "mayCreate"
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

/**
 * Why the service may not run in production as this role, or null when it may. A superuser or the
 * ledger's owner can disable the append-only triggers and rewrite history; the service must hold
 * no more than reading the ledger and appending to it.
 */
export function productionRoleRefusal(role: DatabaseRole): string | null {
  const remedy =
    'Run the service as a role of its own (README, "Database roles"): DATABASE_URL names the ' +
    "service role, and migrations run as the owner with DATABASE_OWNER_URL or 'npm run ledger -- migrate'.";
  if (role.superuser) {
    return (
      `Refusing to start in production as ${role.name}, a PostgreSQL superuser: it could rewrite ` +
      `or delete the ledger's history. ${remedy}`
    );
  }
  if (role.ownsLedger === true) {
    return (
      `Refusing to start in production as ${role.name}, the owner of the ledger's tables (or a ` +
      `member of their owner): it could disable the append-only triggers and rewrite history. ${remedy}`
    );
  }
  return null;
}

export class DatabaseRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseRoleError';
  }
}
