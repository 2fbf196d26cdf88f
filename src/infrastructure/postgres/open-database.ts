import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { embeddedConnectionString } from './embedded-postgres-credentials.js';

export interface DatabaseHandle {
  readonly connectionString: string;
  /** Stops the embedded server when this process started it; otherwise does nothing. */
  release(): Promise<void>;
}

async function answers(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The database the configuration names. Without DATABASE_URL this is the embedded server: reused
 * when another process of ours (the running app, when the CLI asks) already started it.
 */
export async function openDatabase(
  config: AppConfig,
  onStarted: (port: number) => void = () => undefined,
): Promise<DatabaseHandle> {
  if (config.database.kind === 'external') {
    return { connectionString: config.database.url, release: () => Promise.resolve() };
  }
  const { dataDir, port } = config.database;
  const url = embeddedConnectionString(port);
  if (await answers(url)) return { connectionString: url, release: () => Promise.resolve() };
  // Loaded only when used: the package is ESM-only and pulls in the server binaries.
  const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
  const embedded = await startEmbeddedPostgres({ dataDir, port });
  onStarted(port);
  return { connectionString: embedded.connectionString, release: () => embedded.stop() };
}
