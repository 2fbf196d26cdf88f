import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBuiltServer, type BuiltServer } from './built-server.js';
import type { TestDatabase } from './test-database.js';
import { TEST_JWT_SECRET } from './test-server.js';

/**
 * The built server as a child process on a loopback port, on a test database migrated already,
 * with nothing of the test's environment but PATH: an instance a test can kill with SIGKILL, as
 * a crash or a lost machine would end it.
 */
export class ServerProcess {
  private constructor(
    private readonly server: BuiltServer,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(database: TestDatabase, env: Record<string, string>): Promise<ServerProcess> {
    const dir = mkdtempSync(path.join(tmpdir(), 'vw-process-'));
    const server = await startBuiltServer(
      {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: database.serviceConnectionString,
        DATABASE_OWNER_URL: database.ownerConnectionString,
        JWT_SECRET: TEST_JWT_SECRET,
        CALLS_PER_USER_PER_MINUTE: '10000',
        ...env,
      },
      dir,
    );
    if (!server.listening) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `the server exited (${server.child.exitCode}) before listening:\n` +
          `${(server.stdout() + server.stderr()).slice(-2000)}`,
      );
    }
    return new ServerProcess(server, dir, `http://127.0.0.1:${server.port}`);
  }

  /** What it logged so far, for a failing test's message. */
  get log(): string {
    return this.server.stdout() + this.server.stderr();
  }

  /** SIGKILL: no shutdown step runs, no socket says goodbye; resolves once it is gone. */
  async kill(): Promise<void> {
    const { child } = this.server;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
