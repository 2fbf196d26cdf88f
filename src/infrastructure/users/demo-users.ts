import type { UserRole } from '../../domain/shared/actor.js';
import type { PasswordHasher } from '../../application/ports/password-hasher.port.js';
import type { Knex } from 'knex';
import { KnexUserDirectory } from './knex-user-directory.adapter.js';

/** Fixed ids so demo links, screenshots and tests stay stable across restarts. */
export const DEMO_USERS: ReadonlyArray<{
  id: string;
  email: string;
  role: UserRole;
  displayName: string;
}> = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'provider@demo.test',
    role: 'provider',
    displayName: 'Dr. Ada Provider',
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    email: 'provider2@demo.test',
    role: 'provider',
    displayName: 'Dr. Ben Provider',
  },
  {
    id: '00000000-0000-4000-8000-000000000003',
    email: 'patient@demo.test',
    role: 'patient',
    displayName: 'Pat Patient',
  },
  {
    id: '00000000-0000-4000-8000-000000000004',
    email: 'patient2@demo.test',
    role: 'patient',
    displayName: 'Quinn Patient',
  },
  {
    id: '00000000-0000-4000-8000-000000000005',
    email: 'auditor@demo.test',
    role: 'auditor',
    displayName: 'Audrey Auditor',
  },
  {
    id: '00000000-0000-4000-8000-000000000006',
    email: 'analyst@demo.test',
    role: 'analyst',
    displayName: 'Ana Analyst',
  },
  {
    id: '00000000-0000-4000-8000-000000000007',
    email: 'admin@demo.test',
    role: 'admin',
    displayName: 'Adam Admin',
  },
];

export const DEMO_PASSWORD = 'demo';

/**
 * What a disabled demo account stores instead of a password hash: not an argon2 hash, so no
 * password verifies against it.
 */
export const DISABLED_DEMO_PASSWORD_HASH = '!demo-mode-off';

/** The demo rows, by id and email both, so that no other account is ever touched. */
function demoRows(knex: Knex): Knex.QueryBuilder {
  return knex('users').where((rows) => {
    for (const user of DEMO_USERS) rows.orWhere({ id: user.id, email: user.email });
  });
}

/**
 * Creates the demo users that are missing and gives disabled ones their password back; other
 * existing rows are left alone.
 */
export async function seedDemoUsers(knex: Knex, hasher: PasswordHasher): Promise<void> {
  const directory = new KnexUserDirectory(knex);
  const existing = new Set(
    (await directory.findManyByIds(DEMO_USERS.map((u) => u.id))).map((u) => u.id),
  );
  const missing = DEMO_USERS.filter((user) => !existing.has(user.id));
  const disabled = await demoRows(knex)
    .andWhere({ password_hash: DISABLED_DEMO_PASSWORD_HASH })
    .count<[{ count: string }]>('* as count');
  if (missing.length === 0 && Number(disabled[0]?.count ?? 0) === 0) return;
  const passwordHash = await hasher.hash(DEMO_PASSWORD);
  for (const user of missing) await directory.upsert({ ...user, passwordHash });
  await demoRows(knex)
    .andWhere({ password_hash: DISABLED_DEMO_PASSWORD_HASH })
    .update({ password_hash: passwordHash });
}

/**
 * With demo mode off, demo rows seeded earlier (a development database reused in production, or
 * a server moved off loopback) must not log in: their password hash is replaced. Answers how many
 * were disabled now.
 */
export async function disableDemoUsers(knex: Knex): Promise<number> {
  return demoRows(knex)
    .andWhereNot({ password_hash: DISABLED_DEMO_PASSWORD_HASH })
    .update({ password_hash: DISABLED_DEMO_PASSWORD_HASH });
}
