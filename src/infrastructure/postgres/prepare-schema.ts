import knexFactory, { type Knex } from 'knex';
import {
  DatabaseRoleError,
  type DatabaseRole,
  describeDatabaseRole,
  mayMigrate,
  productionRoleRefusal,
} from './database-role.js';
import { migrateToLatest, pendingMigrations } from './migrations/migration-source.js';

export interface SchemaConnections {
  /** The service's own connection (DATABASE_URL). */
  readonly serviceUrl: string;
  /** The owner's, when configured (DATABASE_OWNER_URL, or the embedded server's owner role). */
  readonly ownerUrl: string | null;
  readonly production: boolean;
}

export class SchemaNotCurrentError extends DatabaseRoleError {
  constructor(role: string, pending: readonly string[]) {
    super(
      `The database schema is not current (missing ${pending.join(', ')}) and ${role} may not ` +
        "change it. Run 'npm run ledger -- migrate' with DATABASE_OWNER_URL set to the owner role's " +
        'URL, or (outside production) set DATABASE_OWNER_URL for the server as well.',
    );
    this.name = 'SchemaNotCurrentError';
  }
}

function refuseInProduction(role: DatabaseRole): void {
  const refusal = productionRoleRefusal(role);
  if (refusal !== null) throw new DatabaseRoleError(refusal);
}

function connect(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
}

/**
 * Before the service opens its pools: migrations run as the owner (granting the service its
 * privileges), or as the service itself when it may (a superuser or owner outside production),
 * or the schema must already be current. In production the service refuses to be a superuser, the
 * ledger's owner, a role with CREATEROLE or a member of pg_write_all_data (database-role.ts); the
 * server, unlike the migrate command, also refuses the owner's URL (server.ts).
 */
export async function prepareSchema(connections: SchemaConnections): Promise<void> {
  const service = connect(connections.serviceUrl);
  try {
    const role = await describeDatabaseRole(service);
    if (connections.production) refuseInProduction(role);
    if (connections.ownerUrl !== null) {
      const owner = connect(connections.ownerUrl);
      try {
        const migrating = await describeDatabaseRole(owner);
        await migrateToLatest(
          owner,
          migrating.name === role.name || role.superuser ? {} : { serviceRole: role.name },
        );
      } finally {
        await owner.destroy();
      }
    } else if (mayMigrate(role)) {
      await migrateToLatest(service);
    } else {
      const pending = await pendingMigrations(service);
      if (pending.length > 0) throw new SchemaNotCurrentError(role.name, pending);
    }
    if (connections.production) {
      // The ledger may have just been created, and its owner is known only now.
      refuseInProduction(await describeDatabaseRole(service));
    }
  } finally {
    await service.destroy();
  }
}
