import type { UserRole } from '../../domain/shared/actor.js';

export const USER_DIRECTORY = Symbol('USER_DIRECTORY');

export interface DirectoryUser {
  readonly id: string;
  readonly role: UserRole;
  readonly displayName: string;
}

export interface UserWithCredentials extends DirectoryUser {
  readonly email: string;
  readonly passwordHash: string;
  /** False once an admin deactivated the user: they may no longer log in. */
  readonly active: boolean;
}

export interface Deactivation {
  readonly user: DirectoryUser;
  /**
   * `deactivated` now, `already_inactive`, or refused as the `last_admin`: the one active admin
   * left, without whom nobody could manage accounts any more.
   */
  readonly outcome: 'deactivated' | 'already_inactive' | 'last_admin';
}

export interface UserPage {
  readonly users: DirectoryUser[];
  readonly nextCursor: string | null;
}

/** Who exists. Identity is not event sourced: it is reference data the ledger points at. */
export interface UserDirectory {
  findById(id: string): Promise<DirectoryUser | null>;
  findManyByIds(ids: readonly string[]): Promise<DirectoryUser[]>;
  findByEmail(email: string): Promise<UserWithCredentials | null>;
  /** Marks the user inactive from `at` on; null when no such user exists. */
  deactivate(id: string, at: Date): Promise<Deactivation | null>;
  /** Ordered by display name then id; `cursor` is opaque. */
  listByRole(role: UserRole, options: { limit: number; cursor: string | null }): Promise<UserPage>;
}
