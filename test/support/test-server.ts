import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export const DEMO = {
  provider: { id: '00000000-0000-4000-8000-000000000001', email: 'provider@demo.test' },
  provider2: { id: '00000000-0000-4000-8000-000000000002', email: 'provider2@demo.test' },
  patient: { id: '00000000-0000-4000-8000-000000000003', email: 'patient@demo.test' },
  patient2: { id: '00000000-0000-4000-8000-000000000004', email: 'patient2@demo.test' },
  auditor: { id: '00000000-0000-4000-8000-000000000005', email: 'auditor@demo.test' },
  analyst: { id: '00000000-0000-4000-8000-000000000006', email: 'analyst@demo.test' },
  admin: { id: '00000000-0000-4000-8000-000000000007', email: 'admin@demo.test' },
} as const;
export type DemoUser = keyof typeof DEMO;

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly token?: string | null;
  readonly body?: unknown;
  /** Sent as-is (for malformed-body tests); wins over `body`. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/**
 * A real server on a loopback port with a database of its own, and a small HTTP client for it. It
 * runs as the service role, with the schema migrated by the owner role, as in production.
 */
export class TestServer {
  private readonly tokens = new Map<DemoUser, string>();

  private constructor(
    readonly server: RunningServer,
    readonly database: TestDatabase,
    private readonly ownsDatabase: boolean,
    /** The server's own signing key file and checkpoint directory live here. */
    readonly dataDir: string,
  ) {}

  static async start(
    env: Record<string, string> = {},
    options: ServerOptions & { database?: TestDatabase } = {},
  ): Promise<TestServer> {
    const database = options.database ?? (await createTestDatabase());
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vw-server-'));
    try {
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: database.serviceConnectionString,
        DATABASE_OWNER_URL: database.ownerConnectionString,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'silent',
        LEDGER_SIGNING_KEY_FILE: path.join(dataDir, 'ledger-signing.key'),
        CHECKPOINT_DIR: path.join(dataDir, 'checkpoints'),
        // Test files start calls as one provider far faster than anyone would; the limit's own
        // tests set it low.
        CALLS_PER_USER_PER_MINUTE: '10000',
        ...env,
      });
      const server = await startServer(config, options);
      return new TestServer(server, database, options.database === undefined, dataDir);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      if (options.database === undefined) await database.drop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.close();
    if (this.ownsDatabase) await this.database.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep the text: some endpoints (metrics, docs) are not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async tokenFor(user: DemoUser): Promise<string> {
    const cached = this.tokens.get(user);
    if (cached) return cached;
    const response = await this.request<{ accessToken: string }>('POST', '/auth/login', {
      body: { email: DEMO[user].email, password: 'demo' },
    });
    if (response.status !== 200) throw new Error(`login as ${user} failed: ${response.status}`);
    this.tokens.set(user, response.body.accessToken);
    return response.body.accessToken;
  }

  /** Acts as a demo user. */
  async as<T = Record<string, unknown>>(
    user: DemoUser,
    method: string,
    path: string,
    options: Omit<RequestOptions, 'token'> = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>(method, path, { ...options, token: await this.tokenFor(user) });
  }

  /** How many events the ledger holds: bad input must leave it unchanged. */
  async ledgerEventCount(): Promise<number> {
    const client = new pg.Client({ connectionString: this.database.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM ledger_events');
      return Number(rows[0]?.count ?? 0);
    } finally {
      await client.end();
    }
  }

  async ledgerEvents(
    streamId: string,
  ): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const events = await this.server.runtime.eventStore.readStream(streamId);
    return events.map((event) => ({ type: event.type, data: event.data }));
  }
}
