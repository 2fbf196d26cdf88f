import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatSigningKey, generateSigningKey } from '../../src/application/ledger/signed-note.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TestServer } from '../support/test-server.js';
import { buildOnce } from '../support/build-once.js';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

interface Outcome {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

/**
 * The built server as a child process with exactly `env` (nothing inherited but PATH), in a
 * working directory of its own. Stopped with SIGTERM once it listens.
 */
function startBuiltServer(env: Record<string, string | undefined>, cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('call ledger listening')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('production start-up refuses unsafe settings, all at once', () => {
  let database: TestDatabase;
  let complete: Record<string, string>;
  const workDir = mkdtempSync(path.join(tmpdir(), 'vw-production-'));

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase();
    // Migrated by its owner, as `npm run ledger -- migrate` would, so the service role may start.
    const migrated = await TestServer.start({}, { database });
    await migrated.stop();
    complete = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.serviceConnectionString,
      JWT_SECRET: 'p'.repeat(40),
      RECORDING_KEK: 'cd'.repeat(32),
      LEDGER_SIGNING_KEY: formatSigningKey(generateSigningKey('vytalwatch-call-ledger')),
      CHECKPOINT_DIR: path.join(workDir, 'checkpoints'),
      RECORDINGS_DIR: path.join(workDir, 'recordings'),
    };
  }, 180_000);
  afterAll(async () => {
    await database.drop();
  });

  it('starts with every setting in order', async () => {
    const outcome = await startBuiltServer(complete, workDir);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toContain('call ledger listening');
  }, 60_000);

  it.each([
    ['DEMO_USERS', { DEMO_USERS: 'true' }, /DEMO_USERS must not be true/],
    ['DATABASE_URL', { DATABASE_URL: undefined }, /DATABASE_URL is required .*embedded/],
    ['RECORDING_KEK', { RECORDING_KEK: undefined }, /RECORDING_KEK is required/],
    ['JWT_SECRET', { JWT_SECRET: undefined }, /JWT_SECRET is required/],
    ['LEDGER_SIGNING_KEY', { LEDGER_SIGNING_KEY: undefined }, /LEDGER_SIGNING_KEY .*is required/],
  ])(
    'refuses %s, naming it',
    async (variable, change, message) => {
      const outcome = await startBuiltServer({ ...complete, ...change }, workDir);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stderr).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
      expect(outcome.stdout).not.toContain('listening');
    },
    60_000,
  );

  it('refuses a signing key file that is missing or readable by others', async () => {
    const missing = await startBuiltServer(
      {
        ...complete,
        LEDGER_SIGNING_KEY: undefined,
        LEDGER_SIGNING_KEY_FILE: path.join(workDir, 'absent.key'),
      },
      workDir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/LEDGER_SIGNING_KEY_FILE names a file that is missing/);
    const open = path.join(workDir, 'open.key');
    writeFileSync(open, `${complete.LEDGER_SIGNING_KEY}\n`);
    chmodSync(open, 0o644);
    const readable = await startBuiltServer(
      { ...complete, LEDGER_SIGNING_KEY: undefined, LEDGER_SIGNING_KEY_FILE: open },
      workDir,
    );
    expect(readable.code).toBe(2);
    expect(readable.stderr).toMatch(/LEDGER_SIGNING_KEY_FILE must be readable by its owner only/);
  }, 60_000);

  it.each([
    ['a superuser', () => database.connectionString, /superuser/],
    ["the ledger's owner", () => database.ownerConnectionString, /owner of the ledger's tables/],
  ])(
    'refuses DATABASE_URL naming %s role',
    async (_, databaseUrl, reason) => {
      const outcome = await startBuiltServer({ ...complete, DATABASE_URL: databaseUrl() }, workDir);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(/^Invalid configuration: DATABASE_URL is refused: /);
      expect(outcome.stderr).toMatch(reason);
    },
    60_000,
  );

  it('lists every refusal in one run', async () => {
    const outcome = await startBuiltServer(
      {
        NODE_ENV: 'production',
        DEMO_USERS: 'true',
        PORT: 'eighty',
        LEDGER_SIGNING_KEY_FILE: path.join(workDir, 'absent.key'),
      },
      workDir,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^Invalid configuration \(6 problems\):/);
    for (const variable of [
      'DEMO_USERS',
      'DATABASE_URL',
      'JWT_SECRET',
      'RECORDING_KEK',
      'LEDGER_SIGNING_KEY_FILE',
      'PORT',
    ]) {
      expect(outcome.stderr).toMatch(new RegExp(`^  - ${variable} `, 'm'));
    }
  }, 60_000);

  it("lists the database role's refusal with the settings' refusals", async () => {
    const outcome = await startBuiltServer(
      {
        ...complete,
        DATABASE_URL: database.connectionString,
        RECORDING_KEK: undefined,
        DEMO_USERS: 'true',
      },
      workDir,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^Invalid configuration \(3 problems\):/);
    expect(outcome.stderr).toMatch(/^ {2}- RECORDING_KEK is required/m);
    expect(outcome.stderr).toMatch(/^ {2}- DEMO_USERS must not be true/m);
    expect(outcome.stderr).toMatch(/^ {2}- DATABASE_URL is refused: .*superuser/m);
  }, 60_000);
});
