import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The roles and database the embedded server keeps the ledger in. */
export interface EmbeddedLedgerDatabase {
  readonly ownerRole: string;
  readonly serviceRole: string;
  readonly database: string;
}

export const EMBEDDED_LEDGER_DATABASE: EmbeddedLedgerDatabase = {
  ownerRole: 'ledger_owner',
  serviceRole: 'ledger_service',
  database: 'call_ledger',
};

interface RolePasswords {
  readonly owner: string;
  readonly service: string;
}

/** The passwords, generated once into a 0600 file; `created` when this call wrote it. */
function rolePasswords(file: string): { passwords: RolePasswords; created: boolean } {
  const generated: RolePasswords = {
    owner: randomBytes(24).toString('hex'),
    service: randomBytes(24).toString('hex'),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole under another name, then linked into place: a process reading it at the same
  // moment sees all of it or nothing, and only one process's passwords win.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${JSON.stringify(generated)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(draft, file);
    return { passwords: generated, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<RolePasswords>;
  if (typeof stored.owner !== 'string' || typeof stored.service !== 'string') {
    throw new Error(`${file} does not hold the embedded roles' passwords; delete it to start over`);
  }
  return { passwords: { owner: stored.owner, service: stored.service }, created: false };
}

function roleUrl(superuserUrl: string, role: string, password: string, database: string): string {
  const url = new URL(superuserUrl);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Sets up, on the embedded server, the two roles the ledger runs with: the owner, which migrates,
 * and the service, which the app connects as; and the database, owned by the owner. Idempotent and
 * safe when the server and the CLI do it at once. The passwords stay in `credentialsFile` (0600);
 * when that file is new, the roles take its passwords.
 */
export async function ensureEmbeddedRoles(
  superuserUrl: string,
  credentialsFile: string,
  names: EmbeddedLedgerDatabase = EMBEDDED_LEDGER_DATABASE,
  /** How to reach the superuser; by default `superuserUrl` itself. */
  connectSuperuser: () => Promise<pg.Client> = async () => {
    const client = new pg.Client({ connectionString: superuserUrl });
    await client.connect();
    return client;
  },
): Promise<{ ownerUrl: string; serviceUrl: string }> {
  const { passwords, created } = rolePasswords(credentialsFile);
  const client = await connectSuperuser();
  try {
    for (const [role, password] of [
      [names.ownerRole, passwords.owner],
      [names.serviceRole, passwords.service],
    ] as const) {
      const identifier = client.escapeIdentifier(role);
      const secret = client.escapeLiteral(password);
      await client.query(`
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${client.escapeLiteral(role)}) THEN
            CREATE ROLE ${identifier} LOGIN PASSWORD ${secret};
          ELSIF ${created ? 'true' : 'false'} THEN
            ALTER ROLE ${identifier} LOGIN PASSWORD ${secret};
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$`);
    }
    try {
      await client.query(
        `CREATE DATABASE ${client.escapeIdentifier(names.database)} OWNER ${client.escapeIdentifier(names.ownerRole)}`,
      );
    } catch (error) {
      // Another process of ours created it first (or is creating it right now).
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    }
  } finally {
    await client.end();
  }
  return {
    ownerUrl: roleUrl(superuserUrl, names.ownerRole, passwords.owner, names.database),
    serviceUrl: roleUrl(superuserUrl, names.serviceRole, passwords.service, names.database),
  };
}
