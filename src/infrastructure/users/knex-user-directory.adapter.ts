import type { Knex } from 'knex';
import type { UserRole } from '../../domain/shared/actor.js';
import {
  type Deactivation,
  type DirectoryUser,
  type UserDirectory,
  type UserPage,
  type UserWithCredentials,
} from '../../application/ports/user-directory.port.js';
import { decodeCursor, encodeCursor } from '../postgres/keyset-cursor.js';

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  display_name: string;
  password_hash: string;
  deactivated_at: Date | null;
}

const toDirectoryUser = (row: UserRow): DirectoryUser => ({
  id: row.id,
  role: row.role,
  displayName: row.display_name,
});

export class KnexUserDirectory implements UserDirectory {
  constructor(private readonly knex: Knex) {}

  async findById(id: string): Promise<DirectoryUser | null> {
    const row = await this.knex<UserRow>('users').where({ id }).first();
    return row ? toDirectoryUser(row) : null;
  }

  async findManyByIds(ids: readonly string[]): Promise<DirectoryUser[]> {
    if (ids.length === 0) return [];
    const rows = await this.knex<UserRow>('users').whereIn('id', [...ids]);
    return rows.map(toDirectoryUser);
  }

  async findByEmail(email: string): Promise<UserWithCredentials | null> {
    const row = await this.knex<UserRow>('users')
      .whereRaw('lower(email) = lower(?)', [email])
      .first();
    return row
      ? {
          ...toDirectoryUser(row),
          email: row.email,
          passwordHash: row.password_hash,
          active: row.deactivated_at === null,
        }
      : null;
  }

  async deactivate(id: string, at: Date): Promise<Deactivation | null> {
    // The row locks make concurrent deactivations agree on which one changed the user and, for
    // admins, on who is left: every deactivation of an admin locks the active admins' rows first,
    // in id order, so two admins deactivating each other at once wait in turn (no deadlock) and
    // the second sees the first one gone.
    return this.knex.transaction(async (trx) => {
      const target = await trx<UserRow>('users').where({ id }).first('role');
      if (!target) return null;
      const activeAdmins =
        target.role === 'admin'
          ? await trx<UserRow>('users')
              .where({ role: 'admin' })
              .whereNull('deactivated_at')
              .orderBy('id')
              .forUpdate()
              .select('id')
          : [];
      const row = await trx<UserRow>('users').where({ id }).forUpdate().first();
      if (!row) return null;
      const user = toDirectoryUser(row);
      if (row.deactivated_at !== null) return { user, outcome: 'already_inactive' };
      if (row.role === 'admin' && activeAdmins.every((admin) => admin.id === id)) {
        return { user, outcome: 'last_admin' };
      }
      await trx('users').where({ id }).update({ deactivated_at: at });
      return { user, outcome: 'deactivated' };
    });
  }

  async listByRole(
    role: UserRole,
    options: { limit: number; cursor: string | null },
  ): Promise<UserPage> {
    const query = this.knex<UserRow>('users')
      .where({ role })
      .orderBy([{ column: 'display_name' }, { column: 'id' }])
      .limit(options.limit + 1);
    if (options.cursor !== null) {
      query.whereRaw('(display_name, id) > (?, ?)', decodeCursor(options.cursor, ['text', 'uuid']));
    }
    const rows = await query;
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      users: page.map(toDirectoryUser),
      nextCursor:
        rows.length > options.limit && last ? encodeCursor([last.display_name, last.id]) : null,
    };
  }

  async upsert(user: Omit<UserWithCredentials, 'active'>): Promise<void> {
    await this.knex('users')
      .insert({
        id: user.id,
        email: user.email,
        role: user.role,
        display_name: user.displayName,
        password_hash: user.passwordHash,
      })
      .onConflict('id')
      .ignore();
  }
}
