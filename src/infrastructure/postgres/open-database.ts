import path from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { embeddedConnectionString } from './embedded-postgres-credentials.js';
import { ensureEmbeddedRoles } from './embedded-roles.js';

export interface DatabaseHandle {
  /** The service's connection. */
  readonly connectionString: string;
  /** The owner's connection, for migrations; null when the service's role migrates itself. */
  readonly ownerConnectionString: string | null;
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
 * when another process of ours (the running app, when the CLI asks) already started it, with its
 * owner and service roles set up (their passwords are kept next to the data directory, 0600).
 */
export async function openDatabase(
  config: AppConfig,
  onStarted: (port: number) => void = () => undefined,
): Promise<DatabaseHandle> {
  if (config.database.kind === 'external') {
    return {
      connectionString: config.database.url,
      ownerConnectionString: config.database.ownerUrl,
      release: () => Promise.resolve(),
    };
  }
  const { dataDir, port } = config.database;
  const url = embeddedConnectionString(port);
  let release = (): Promise<void> => Promise.resolve();
  if (!(await answers(url))) {
    // Loaded only when used: the package is ESM-only and pulls in the server binaries.
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    const embedded = await startEmbeddedPostgres({ dataDir, port });
    onStarted(port);
    release = () => embedded.stop();
  }
  try {
    const roles = await ensureEmbeddedRoles(url, `${path.resolve(dataDir)}.roles.json`);
    return { connectionString: roles.serviceUrl, ownerConnectionString: roles.ownerUrl, release };
  } catch (error) {
    await release();
    throw error;
  }
}
