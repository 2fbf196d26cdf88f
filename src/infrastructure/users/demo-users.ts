import type { UserRole } from '../../domain/shared/actor.js';
import type { PasswordHasher } from '../../application/ports/password-hasher.port.js';
import type { KnexUserDirectory } from './knex-user-directory.adapter.js';

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

/** Creates the demo users once; existing rows are left alone. */
export async function seedDemoUsers(
  directory: KnexUserDirectory,
  hasher: PasswordHasher,
): Promise<void> {
  const existing = new Set(
    (await directory.findManyByIds(DEMO_USERS.map((u) => u.id))).map((u) => u.id),
  );
  const missing = DEMO_USERS.filter((user) => !existing.has(user.id));
  if (missing.length === 0) return;
  const passwordHash = await hasher.hash(DEMO_PASSWORD);
  for (const user of missing) await directory.upsert({ ...user, passwordHash });
}
