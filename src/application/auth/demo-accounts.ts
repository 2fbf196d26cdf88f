import type { UserRole } from '../../domain/shared/actor.js';

export const DEMO_ACCOUNTS = Symbol('DEMO_ACCOUNTS');

/** The demo users the login page may list (none unless DEMO_USERS is on). */
export interface DemoAccounts {
  readonly password: string | null;
  readonly users: ReadonlyArray<{
    readonly email: string;
    readonly role: UserRole;
    readonly displayName: string;
  }>;
}
