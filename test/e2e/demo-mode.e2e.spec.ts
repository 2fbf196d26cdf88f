import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLedgerSigningKeyFile } from '../../src/infrastructure/ledger/ledger-signing-key.js';
import { DEMO_USERS } from '../../src/infrastructure/users/demo-users.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TestServer } from '../support/test-server.js';

const ADMIN = { email: 'admin@demo.test', password: 'demo' };

async function adminLogin(api: TestServer): Promise<number> {
  return (await api.request('POST', '/auth/login', { body: ADMIN })).status;
}

async function withServer<T>(
  database: TestDatabase,
  env: Record<string, string>,
  work: (api: TestServer) => Promise<T>,
): Promise<T> {
  // The admin logs in (and is refused) many times here: the login limits are not under test.
  const api = await TestServer.start(
    { LOGIN_ATTEMPTS_PER_ACCOUNT: '1000', LOGIN_ATTEMPTS_PER_MINUTE: '1000', ...env },
    { database, runTimers: false },
  );
  try {
    return await work(api);
  } finally {
    await api.stop();
  }
}

describe('demo mode', () => {
  let database: TestDatabase;
  const keyDir = mkdtempSync(path.join(tmpdir(), 'vw-demo-mode-'));

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  let demoSession = { accessToken: '', refreshToken: '' };
  afterAll(async () => {
    await database.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('is on by default on loopback: the accounts are listed and log in', async () => {
    await withServer(database, {}, async (api) => {
      const listed = await api.request<{ password: string; users: unknown[] }>(
        'GET',
        '/auth/demo-users',
      );
      expect(listed.status).toBe(200);
      expect(listed.body.password).toBe('demo');
      expect(listed.body.users).toHaveLength(DEMO_USERS.length);
      const login = await api.request<{ accessToken: string; refreshToken: string }>(
        'POST',
        '/auth/login',
        { body: ADMIN },
      );
      expect(login.status).toBe(200);
      demoSession = login.body;
    });
  });

  it('off, lists nothing, and the accounts seeded earlier no longer log in', async () => {
    await withServer(database, { DEMO_USERS: 'false' }, async (api) => {
      const listed = await api.request('GET', '/auth/demo-users');
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ password: null, users: [] });
      expect(await adminLogin(api)).toBe(401);
      for (const user of DEMO_USERS) {
        const login = await api.request('POST', '/auth/login', {
          body: { email: user.email, password: 'demo' },
        });
        expect(login.status).toBe(401);
      }
      // The session opened while demo mode was on ended with it.
      expect(
        (await api.request('GET', '/auth/me', { token: demoSession.accessToken })).body,
      ).toMatchObject({
        code: 'AUTH.SESSION_ENDED',
      });
      const refreshed = await api.request('POST', '/auth/refresh', {
        body: { refreshToken: demoSession.refreshToken },
      });
      expect(refreshed.status).toBe(401);
    });
  });

  it('on again (explicitly), gives the accounts their password back', async () => {
    await withServer(database, { DEMO_USERS: 'true' }, async (api) => {
      expect(await adminLogin(api)).toBe(200);
    });
  });

  it('is off in production: demo accounts seeded in development cannot log in', async () => {
    const keyFile = path.join(keyDir, 'ledger-signing.key');
    createLedgerSigningKeyFile(keyFile, 'vytalwatch-call-ledger');
    await withServer(
      database,
      {
        NODE_ENV: 'production',
        // Production runs without the owner's connection; the schema is current already.
        DATABASE_OWNER_URL: '',
        RECORDING_KEK: 'ef'.repeat(32),
        LEDGER_SIGNING_KEY_FILE: keyFile,
      },
      async (api) => {
        expect(api.server.runtime.demoAccounts.users).toEqual([]);
        const listed = await api.request('GET', '/auth/demo-users');
        expect(listed.body).toEqual({ password: null, users: [] });
        expect(await adminLogin(api)).toBe(401);
      },
    );
  });

  it('leaves accounts that are not the demo rows alone', async () => {
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    try {
      // Same email as a demo account, another id: not a demo row, so not disabled.
      await client.query(`DELETE FROM users WHERE email = 'auditor@demo.test'`);
      await client.query(
        `INSERT INTO users (id, email, role, display_name, password_hash)
         VALUES ('10000000-0000-4000-8000-000000000005', 'auditor@demo.test', 'auditor', 'Real', 'kept')`,
      );
      await withServer(database, { DEMO_USERS: 'false' }, async () => undefined);
      const { rows } = await client.query<{ password_hash: string }>(
        `SELECT password_hash FROM users WHERE id = '10000000-0000-4000-8000-000000000005'`,
      );
      expect(rows[0]?.password_hash).toBe('kept');
    } finally {
      await client.end();
    }
  });
});
