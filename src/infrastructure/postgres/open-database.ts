import path from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import {
  EmbeddedPostgresError,
  embeddedConnectionString,
  readSuperuserPassword,
} from './embedded-postgres-credentials.js';
import { ensureEmbeddedRoles } from './embedded-roles.js';
import { connectToOwnEmbeddedServer } from './own-embedded-server.js';

export interface DatabaseHandle {
  /** The service's connection. */
  readonly connectionString: string;
  /** The owner's connection, for migrations; null when the service's role migrates itself. */
  readonly ownerConnectionString: string | null;
  /** Stops the embedded server when this process started it; otherwise does nothing. */
  release(): Promise<void>;
}

/**
 * The database the configuration names. Without DATABASE_URL this is the embedded server: reused
 * when another process of ours (the running app, when the CLI asks) already started it on the
 * same data directory, with its owner and service roles set up (their passwords are kept next to
 * the data directory, 0600). Whatever else answers on its port is refused.
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
  const { port } = config.database;
  const dataDir = path.resolve(config.database.dataDir);
  const existingPassword = readSuperuserPassword(dataDir);
  const running =
    existingPassword === null
      ? null
      : await connectToOwnEmbeddedServer(dataDir, port, existingPassword);
  await running?.end();
  let release = (): Promise<void> => Promise.resolve();
  if (running === null) {
    // Loaded only when used: the package is ESM-only and pulls in the server binaries.
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    const embedded = await startEmbeddedPostgres({ dataDir, port });
    onStarted(port);
    release = () => embedded.stop();
  }
  try {
    const password = readSuperuserPassword(dataDir);
    if (password === null) throw new EmbeddedPostgresError(`${dataDir} holds no cluster`);
    const roles = await ensureEmbeddedRoles(
      embeddedConnectionString(port),
      `${dataDir}.roles.json`,
      undefined,
      async () => {
        const client = await connectToOwnEmbeddedServer(dataDir, port, password);
        if (client === null) throw new EmbeddedPostgresError(`Nothing answers on port ${port}`);
        return client;
      },
    );
    return { connectionString: roles.serviceUrl, ownerConnectionString: roles.ownerUrl, release };
  } catch (error) {
    await release();
    throw error;
  }
}
