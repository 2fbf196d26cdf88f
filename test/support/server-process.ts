import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILT_MAIN } from './built-server.js';
import type { TestDatabase } from './test-database.js';
import { TEST_JWT_SECRET } from './test-server.js';

/**
 * The built server as a child process on a loopback port, on a test database migrated already,
 * with nothing of the test's environment but PATH: an instance a test can kill with SIGKILL, as
 * a crash or a lost machine would end it.
 */
export class ServerProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(database: TestDatabase, env: Record<string, string>): Promise<ServerProcess> {
    const dir = mkdtempSync(path.join(tmpdir(), 'vw-process-'));
    const child = spawn(process.execPath, [BUILT_MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        DATABASE_URL: database.serviceConnectionString,
        DATABASE_OWNER_URL: database.ownerConnectionString,
        JWT_SECRET: TEST_JWT_SECRET,
        CALLS_PER_USER_PER_MINUTE: '10000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not listen within 60 s:\n${output.slice(-2000)}`));
      }, 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        for (const line of output.split('\n')) {
          if (!line.includes('call ledger listening')) continue;
          const parsed = JSON.parse(line) as { port?: number };
          if (typeof parsed.port !== 'number') continue;
          clearTimeout(timer);
          resolve(parsed.port);
          return;
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before listening:\n${output.slice(-2000)}`));
      });
    });
    const server = new ServerProcess(child, dir, `http://127.0.0.1:${port}`);
    server.output = output;
    child.stdout?.on('data', (chunk: Buffer) => (server.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (server.output += chunk.toString()));
    return server;
  }

  /** What it logged so far, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown step runs, no socket says goodbye; resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
