import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { superuserPasswordFile } from '../../src/infrastructure/postgres/embedded-postgres-credentials.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const CLI = path.join(ROOT, 'dist/src/interfaces/cli/ledger.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

/** Debian's own PostgreSQL binaries: a server that is not the embedded package's. */
function debianBin(tool: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  const newest = versions.at(-1);
  if (newest === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return path.join('/usr/lib/postgresql', newest, 'bin', tool);
}

/** As root, PostgreSQL runs as the system's postgres user. */
async function asServerUser(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())),
    run('id', ['-g', 'postgres']).then(({ stdout }) => Number(stdout.trim())),
  ]);
  return { uid, gid };
}

/** Another cluster, trusting every connection, started on `port`. */
async function startOtherCluster(port: number): Promise<{ stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vw-other-pg-'));
  const user = await asServerUser();
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  await run(debianBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust'], user);
  await run(
    debianBin('pg_ctl'),
    [
      '-D',
      data,
      '-w',
      '-l',
      path.join(dir, 'log'),
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`,
      'start',
    ],
    user,
  );
  return {
    async stop() {
      await run(debianBin('pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop'], user);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The built server, in development on the embedded PostgreSQL, until it listens (or exits). */
function startBuiltServer(
  env: Record<string, string>,
  cwd: string,
): Promise<{ child: ChildProcess; stderr: () => string; listening: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('call ledger listening')) {
        resolve({ child, stderr: () => stderr, listening: true });
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve({ child, stderr: () => stderr, listening: false }));
  });
}

async function stopBuiltServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.on('close', resolve);
    child.kill('SIGTERM');
  });
}

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
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
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
    const other = await startOtherCluster(port);
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
      await other.stop();
    }
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
