import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import pg from 'pg';
import pino from 'pino';
import { formatSigningKey, generateSigningKey } from '../../src/application/ledger/signed-note.js';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { DatabaseRoleError } from '../../src/infrastructure/postgres/database-role.js';
import { ensureEmbeddedRoles } from '../../src/infrastructure/postgres/embedded-roles.js';
import { SERVICE_TABLE_PRIVILEGES } from '../../src/infrastructure/postgres/ledger-privileges.js';
import {
  migrateToLatest,
  pendingMigrations,
} from '../../src/infrastructure/postgres/migrations/migration-source.js';
import {
  SchemaNotCurrentError,
  prepareSchema,
} from '../../src/infrastructure/postgres/prepare-schema.js';
import { openResources } from '../../src/resources.js';
import { startServer } from '../../src/server.js';
import { testEvents, uniquePrefix } from '../support/event-store-fixtures.js';
import {
  openLedgerRoleConnections,
  type OpenLedgerRoleConnections,
} from '../support/ledger-role-connections.js';
import { TEST_ROLES, createTestDatabase, type TestDatabase } from '../support/test-database.js';

const PERMISSION_DENIED = '42501';
const APPEND_ONLY = 'LG001';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Runs `work` with a login role of its own (roles are cluster-wide: a random name), set up as the
 * superuser with `attributes` and memberships, and drops it after.
 */
async function withThrowawayRole(
  superuserUrl: string,
  setUp: { readonly attributes?: string; readonly memberOf?: readonly string[] },
  work: (url: string) => Promise<void>,
): Promise<void> {
  const name = `ledger_test_throwaway_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const admin = await connect(superuserUrl);
  try {
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}' ${setUp.attributes ?? ''}`);
    for (const role of setUp.memberOf ?? []) await admin.query(`GRANT ${role} TO ${name}`);
    const url = new URL(superuserUrl);
    url.username = name;
    url.password = password;
    await work(url.toString());
  } finally {
    await admin.query(`DROP ROLE IF EXISTS ${name}`);
    await admin.end();
  }
}

describe('least privilege in PostgreSQL', () => {
  let database: TestDatabase;
  let service: pg.Client;
  let owner: pg.Client;
  let servicePool: pg.Pool;
  let store: PostgresEventStore;
  const streamId = `${uniquePrefix()}call`;

  let roles: OpenLedgerRoleConnections | undefined;

  beforeAll(async () => {
    roles = await openLedgerRoleConnections();
    ({ database, service, owner } = roles);
    servicePool = new pg.Pool({ connectionString: database.serviceConnectionString, max: 2 });
    store = new PostgresEventStore(servicePool, { onError: () => undefined });
    await store.appendToStream(streamId, testEvents(2), { expectedRevision: 'no_stream' });
  });

  afterAll(async () => {
    await store?.close();
    await servicePool?.end();
    await roles?.close();
  });

  it('lets the service append through ledger_append and read the ledger', async () => {
    await store.appendToStream(streamId, testEvents(1), { expectedRevision: 1 });
    const events = await store.readStream(streamId);
    expect(events.map((event) => event.revision)).toEqual([0, 1, 2]);
    const { rows } = await service.query<{ revision: string }>(
      'SELECT revision FROM ledger_streams WHERE stream_id = $1',
      [streamId],
    );
    expect(rows).toEqual([{ revision: '2' }]);
  });

  describe.each(['ledger_events', 'ledger_streams'])('the service on %s', (table) => {
    const trigger =
      table === 'ledger_events' ? 'ledger_events_append_only' : 'ledger_streams_head_only';
    it.each([
      ['UPDATE', `UPDATE ${table} SET stream_id = stream_id`],
      ['DELETE', `DELETE FROM ${table}`],
      ['TRUNCATE', `TRUNCATE ${table}`],
      ['INSERT', `INSERT INTO ${table} SELECT * FROM ${table} LIMIT 0`],
      ['ALTER TABLE', `ALTER TABLE ${table} ADD COLUMN forged text`],
      ['DISABLE TRIGGER', `ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`],
      ['DISABLE TRIGGER ALL', `ALTER TABLE ${table} DISABLE TRIGGER ALL`],
      ['DROP TABLE', `DROP TABLE ${table}`],
    ])('is refused %s', async (_, sql) => {
      await expect(service.query(sql)).rejects.toMatchObject({ code: PERMISSION_DENIED });
    });
  });

  it('cannot switch the triggers off for its session either', async () => {
    await expect(service.query('SET session_replication_role = replica')).rejects.toMatchObject({
      code: PERMISSION_DENIED,
    });
  });

  it('protects ledger_streams like ledger_events even from the owner: only the head moves, forward', async () => {
    await expect(
      owner.query(`UPDATE ledger_streams SET stream_id = 'forged' WHERE stream_id = $1`, [
        streamId,
      ]),
    ).rejects.toMatchObject({ code: APPEND_ONLY });
    await expect(
      owner.query('UPDATE ledger_streams SET revision = 0 WHERE stream_id = $1', [streamId]),
    ).rejects.toMatchObject({ code: APPEND_ONLY });
    await expect(
      owner.query('DELETE FROM ledger_streams WHERE stream_id = $1', [streamId]),
    ).rejects.toMatchObject({ code: APPEND_ONLY });
    await expect(owner.query('TRUNCATE ledger_streams')).rejects.toMatchObject({
      code: APPEND_ONLY,
    });
  });

  it('runs ledger_append as its owner with a search path the service cannot plant objects in', async () => {
    const { rows } = await owner.query<{ definer: boolean; config: string[]; owner: string }>(
      `SELECT p.prosecdef AS definer, p.proconfig AS config, pg_get_userbyid(p.proowner) AS owner
         FROM pg_proc p WHERE p.oid = 'ledger_append(text, bigint, jsonb)'::regprocedure`,
    );
    expect(rows).toEqual([
      { definer: true, config: ['search_path=public, pg_temp'], owner: TEST_ROLES.owner },
    ]);
    await expect(service.query('CREATE TABLE ledger_events (x int)')).rejects.toMatchObject({
      code: PERMISSION_DENIED,
    });
  });

  it('keeps full DML for the service on the other tables (read models, timers, checkpoints)', async () => {
    await service.query(
      "INSERT INTO projection_checkpoints (name, position) VALUES ('probe', '1')",
    );
    await service.query("UPDATE projection_checkpoints SET position = '2' WHERE name = 'probe'");
    await service.query("DELETE FROM projection_checkpoints WHERE name = 'probe'");
    await expect(service.query('TRUNCATE projection_checkpoints')).rejects.toMatchObject({
      code: PERMISSION_DENIED,
    });
  });

  it('grants each table of the tree exactly its class, once that table exists, again and again', async () => {
    const tree = [
      'ledger_tree_leaves',
      'ledger_tree_nodes',
      'ledger_checkpoints',
      'ledger_tree_heads',
    ];
    for (const table of tree) {
      await owner.query(`CREATE TABLE IF NOT EXISTS ${table} (id bigint PRIMARY KEY)`);
    }
    const ownerKnex = knexFactory({ client: 'pg', connection: database.ownerConnectionString });
    try {
      await migrateToLatest(ownerKnex, { serviceRole: TEST_ROLES.service });
      await migrateToLatest(ownerKnex, { serviceRole: TEST_ROLES.service });
    } finally {
      await ownerKnex.destroy();
    }
    const privileges = [
      'SELECT',
      'INSERT',
      'UPDATE',
      'DELETE',
      'TRUNCATE',
      'REFERENCES',
      'TRIGGER',
    ];
    const held = async (table: string): Promise<string[]> => {
      const { rows } = await owner.query<{ privilege: string }>(
        `SELECT p AS privilege FROM unnest($2::text[]) p WHERE has_table_privilege($1, $3::regclass, p)`,
        [TEST_ROLES.service, privileges, table],
      );
      return rows.map((row) => row.privilege);
    };
    for (const table of [
      ...tree,
      'ledger_events',
      'ledger_streams',
      'knex_migrations',
      'sessions',
      'session_refresh_tokens',
    ]) {
      expect({ table, held: await held(table) }).toEqual({
        table,
        held: SERVICE_TABLE_PRIVILEGES[table],
      });
    }
    expect(await held('calls')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
  });

  it('lets the service open, use and end sessions, but never delete one', async () => {
    const sessions = ['sessions', 'session_refresh_tokens'];
    for (const table of sessions) {
      expect(SERVICE_TABLE_PRIVILEGES[table]).toEqual(['SELECT', 'INSERT', 'UPDATE']);
      await expect(service.query(`DELETE FROM ${table}`)).rejects.toMatchObject({
        code: PERMISSION_DENIED,
      });
      await expect(service.query(`TRUNCATE ${table}`)).rejects.toMatchObject({
        code: PERMISSION_DENIED,
      });
    }
  });

  it('refuses a service that may not migrate to start on a schema that is not current', async () => {
    const fresh = await createTestDatabase();
    try {
      const start = prepareSchema({
        serviceUrl: fresh.serviceConnectionString,
        ownerUrl: null,
        production: false,
      });
      await expect(start).rejects.toThrow(SchemaNotCurrentError);
      await expect(start).rejects.toThrow(/npm run ledger -- migrate/);
      // Once the owner has migrated, the same service starts.
      await prepareSchema({
        serviceUrl: fresh.serviceConnectionString,
        ownerUrl: fresh.ownerConnectionString,
        production: false,
      });
      await prepareSchema({
        serviceUrl: fresh.serviceConnectionString,
        ownerUrl: null,
        production: false,
      });
    } finally {
      await fresh.drop();
    }
  });

  describe('in production', () => {
    it('refuses to run as a superuser', async () => {
      const start = prepareSchema({
        serviceUrl: database.connectionString,
        ownerUrl: null,
        production: true,
      });
      await expect(start).rejects.toThrow(DatabaseRoleError);
      await expect(start).rejects.toThrow(/superuser: it could rewrite or delete the ledger/);
    });

    it("refuses to run as the ledger's owner, even with the owner's URL to migrate", async () => {
      for (const ownerUrl of [null, database.ownerConnectionString]) {
        await expect(
          prepareSchema({ serviceUrl: database.ownerConnectionString, ownerUrl, production: true }),
        ).rejects.toThrow(/the owner of the ledger's tables .* disable the append-only triggers/);
      }
    });

    it('refuses to run as a role with CREATEROLE', async () => {
      await withThrowawayRole(database.connectionString, { attributes: 'CREATEROLE' }, (url) =>
        expect(
          prepareSchema({ serviceUrl: url, ownerUrl: null, production: true }),
        ).rejects.toThrow(/a role with CREATEROLE: it could grant itself, or a role it creates/),
      );
    });

    it('refuses to run as a member of pg_write_all_data, directly or through another role', async () => {
      const refusal = /a member of pg_write_all_data \(directly or through another role\)/;
      await withThrowawayRole(
        database.connectionString,
        { memberOf: ['pg_write_all_data'] },
        (url) =>
          expect(
            prepareSchema({ serviceUrl: url, ownerUrl: null, production: true }),
          ).rejects.toThrow(refusal),
      );
      await withThrowawayRole(
        database.connectionString,
        { memberOf: ['pg_write_all_data'] },
        async (writerUrl) => {
          const writer = new URL(writerUrl).username;
          await withThrowawayRole(database.connectionString, { memberOf: [writer] }, (url) =>
            expect(
              prepareSchema({ serviceUrl: url, ownerUrl: null, production: true }),
            ).rejects.toThrow(refusal),
          );
        },
      );
    });

    it('keeps the owner URL from the server, while the migrate command uses it', async () => {
      const fresh = await createTestDatabase();
      const config = loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: fresh.serviceConnectionString,
        DATABASE_OWNER_URL: fresh.ownerConnectionString,
        JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256!',
        RECORDING_KEK: 'ab'.repeat(32),
        LEDGER_SIGNING_KEY: formatSigningKey(generateSigningKey('vytalwatch-call-ledger')),
        LOG_LEVEL: 'silent',
      });
      const freshKnex = knexFactory({ client: 'pg', connection: fresh.connectionString });
      try {
        const start = startServer(config);
        await expect(start).rejects.toThrow(DatabaseRoleError);
        await expect(start).rejects.toThrow(
          /in production with DATABASE_OWNER_URL set: .* belong to 'npm run ledger -- migrate' alone/,
        );
        // Refused before touching the database: nothing was migrated.
        expect(await pendingMigrations(freshKnex)).toContain('001-ledger-events');
        // What 'npm run ledger -- migrate' opens, with the same configuration.
        const resources = await openResources(config, pino({ level: 'silent' }));
        await resources.close();
        expect(await pendingMigrations(freshKnex)).toEqual([]);
      } finally {
        await freshKnex.destroy();
        await fresh.drop();
      }
    });

    it('runs as the service role', async () => {
      await expect(
        prepareSchema({
          serviceUrl: database.serviceConnectionString,
          ownerUrl: database.ownerConnectionString,
          production: true,
        }),
      ).resolves.toBeUndefined();
    });
  });

  it('sets the embedded roles up once, keeps their passwords 0600 and migrates as the owner', async () => {
    const names = {
      ownerRole: 'ledger_test_embedded_owner',
      serviceRole: 'ledger_test_embedded_service',
      database: `${process.env.TEST_RUN_PREFIX ?? 'ledger_test'}_embedded`,
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-roles-'));
    const file = path.join(dir, 'postgres.roles.json');
    const admin = process.env.TEST_PG_ADMIN_URL ?? '';
    try {
      const [first, second] = await Promise.all([
        ensureEmbeddedRoles(admin, file, names),
        ensureEmbeddedRoles(admin, file, names),
      ]);
      expect(second).toEqual(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await prepareSchema({
        serviceUrl: first.serviceUrl,
        ownerUrl: first.ownerUrl,
        production: true,
      });
      const embeddedService = await connect(first.serviceUrl);
      try {
        await expect(embeddedService.query('DELETE FROM ledger_events')).rejects.toMatchObject({
          code: PERMISSION_DENIED,
        });
      } finally {
        await embeddedService.end();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      const client = await connect(admin);
      try {
        await client.query(`DROP DATABASE IF EXISTS "${names.database}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }
  });
});
