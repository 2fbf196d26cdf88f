import { timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { EmbeddedPostgresError, systemIdentifier } from './embedded-postgres-credentials.js';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function notOurs(port: number, dataDir: string, why: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    `Something else answers on 127.0.0.1:${port} (EMBEDDED_PG_PORT): it is not the embedded ` +
      `PostgreSQL of ${dataDir} (${why}). Stop it, or set EMBEDDED_PG_PORT to a free port.`,
  );
}

/**
 * Connects as the embedded server's superuser, and only to the server running on `dataDir`:
 * anything else on the port is refused before it is sent anything secret. The password goes only
 * to a server that asks for it by SCRAM (which never reveals it); the server must then report the
 * system identifier written in the data directory. Answers null when nothing listens on the port.
 */
export async function connectToOwnEmbeddedServer(
  dataDir: string,
  port: number,
  password: string,
): Promise<pg.Client | null> {
  let offeredScram = false;
  const client = new pg.Client({
    // Given apart, not as a connection string, whose (empty) password would replace the function.
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 2000,
    password: () => {
      if (!offeredScram) {
        throw notOurs(port, dataDir, 'it asked for the password in a form that would reveal it');
      }
      return password;
    },
  });
  // The protocol connection is not in pg's types; its events say how the server authenticates.
  const protocol = (client as unknown as { connection: EventEmitter }).connection;
  protocol.on('authenticationSASL', () => (offeredScram = true));
  try {
    await client.connect();
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return null;
    throw notOurs(port, dataDir, `it refused the superuser: ${(error as Error).message}`);
  }
  try {
    const { rows } = await client.query<{ system_identifier: string }>(
      'SELECT system_identifier::text AS system_identifier FROM pg_control_system()',
    );
    const reported = rows[0]?.system_identifier ?? '';
    if (!sameText(reported, systemIdentifier(dataDir))) {
      throw notOurs(port, dataDir, 'its system identifier is not the one in global/pg_control');
    }
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    if (error instanceof EmbeddedPostgresError) throw error;
    throw notOurs(port, dataDir, `it could not report its identity: ${(error as Error).message}`);
  }
}
