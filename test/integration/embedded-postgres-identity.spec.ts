import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { superuserPasswordFile } from '../../src/infrastructure/postgres/embedded-postgres-credentials.js';
import {
  BUILT_MAIN,
  logMessages,
  startBuiltServer,
  stopBuiltServer,
} from '../support/built-server.js';
import { startOwnPostgresCluster } from '../support/own-postgres-cluster.js';
import { freePort } from '../support/free-port.js';
import { buildOnce } from '../support/build-once.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/interfaces/cli/ledger.js');

/** The CLI as a second process of ours: it reuses the running embedded server if it is ours. */
async function cli(
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [CLI, 'migrate'], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('the embedded PostgreSQL', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vw-embedded-'));
  const dataDir = path.join(root, '.data', 'postgres');
  let port: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    await buildOnce();
    port = await freePort();
    env = {
      HOST: '127.0.0.1',
      PORT: '0',
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(port),
    };
  }, 180_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('gets a generated superuser password, kept 0600 in its data directory', async () => {
    const server = await startBuiltServer(env, root);
    try {
      expect(server.stderr()).toBe('');
      expect(server.listening).toBe(true);
      const file = superuserPasswordFile(dataDir);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[0-9a-f]{48}$/);
      // The fixed password of earlier versions opens nothing.
      const guess = new pg.Client({
        connectionString: `postgres://postgres:embedded@127.0.0.1:${port}/postgres`,
      });
      await expect(guess.connect()).rejects.toThrow(/password authentication failed/);
      const superuser = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        password,
        database: 'postgres',
      });
      await superuser.connect();
      await superuser.end();
      // A second process of ours (the CLI beside the server) recognises the running server.
      const migrate = await cli(env, root);
      expect(migrate).toEqual({ code: 0, stderr: '' });
    } finally {
      await stopBuiltServer(server.child);
    }
  }, 180_000);

  it('refuses another PostgreSQL answering on its port, and sets up nothing on it', async () => {
    const other = await startOwnPostgresCluster(port);
    try {
      const refusal = new RegExp(
        `Something else answers on 127\\.0\\.0\\.1:${port} \\(EMBEDDED_PG_PORT\\): it is not ` +
          'the embedded PostgreSQL of .*system identifier',
      );
      const server = await startBuiltServer(env, root);
      expect(server.listening).toBe(false);
      expect(server.child.exitCode).toBe(1);
      expect(server.stderr()).toMatch(refusal);
      const migrate = await cli(env, root);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toMatch(refusal);
      // Nothing was set up on it: no roles of ours, no database.
      const inspect = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        database: 'postgres',
      });
      await inspect.connect();
      try {
        const { rows } = await inspect.query(
          "SELECT rolname FROM pg_roles WHERE rolname IN ('ledger_owner', 'ledger_service')",
        );
        expect(rows).toEqual([]);
      } finally {
        await inspect.end();
      }
    } finally {
      await other.remove();
    }
  }, 180_000);

  it('stops once started, with its embedded PostgreSQL, when told to while starting', async () => {
    const child = spawn(process.execPath, [BUILT_MAIN], {
      cwd: root,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      // Half way through start-up: the database is up, the HTTP server is not.
      if (
        !before.includes('embedded PostgreSQL started') &&
        stdout.includes('embedded PostgreSQL started')
      ) {
        child.kill('SIGTERM');
      }
    });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    const messages = logMessages(stdout);
    expect(messages.indexOf('call ledger listening')).toBeGreaterThan(-1);
    expect(messages.indexOf('shutting down')).toBeGreaterThan(
      messages.indexOf('call ledger listening'),
    );
    // Its embedded server stopped with it: the port is free again.
    const probe = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
    });
    await expect(probe.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 180_000);

  it('starts its own again once the port is free', async () => {
    const server = await startBuiltServer(env, root);
    try {
      expect(server.listening).toBe(true);
    } finally {
      await stopBuiltServer(server.child);
    }
  }, 180_000);
});
