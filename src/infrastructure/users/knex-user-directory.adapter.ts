import type { Knex } from 'knex';
import type { UserRole } from '../../domain/shared/actor.js';
import {
  InvalidCursorError,
  type DirectoryUser,
  type UserDirectory,
  type UserPage,
  type UserWithCredentials,
} from '../../application/ports/user-directory.port.js';

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  display_name: string;
  password_hash: string;
}

const toDirectoryUser = (row: UserRow): DirectoryUser => ({
  id: row.id,
  role: row.role,
  displayName: row.display_name,
});

/** Keyset cursor over (display_name, id): stable under inserts, no OFFSET scans. */
function encodeCursor(row: UserRow): string {
  return Buffer.from(JSON.stringify([row.display_name, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return [value[0] as string, value[1] as string];
    }
  } catch {
    // fall through: an unreadable cursor is refused below
  }
  return null;
}

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
      ? { ...toDirectoryUser(row), email: row.email, passwordHash: row.password_hash }
      : null;
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
      const after = decodeCursor(options.cursor);
      if (!after) throw new InvalidCursorError();
      query.whereRaw('(display_name, id) > (?, ?)', after);
    }
    const rows = await query;
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      users: page.map(toDirectoryUser),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
    };
  }

  async upsert(user: UserWithCredentials): Promise<void> {
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
