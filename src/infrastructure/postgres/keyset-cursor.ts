import { InvalidCursorError } from '../../application/ports/invalid-cursor.error.js';

/**
 * Opaque keyset-pagination cursors: the sort key of the last row of a page. Keyset (not OFFSET)
 * pages stay stable while rows are inserted and cost the same on page 1 and page 10,000.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of a cursor this server issued; anything else is an InvalidCursorError. */
export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === arity &&
      value.every((part) => typeof part === 'string' && part.length <= 256)
    ) {
      return value as string[];
    }
  } catch {
    // fall through: an unreadable cursor is refused below
  }
  throw new InvalidCursorError();
}
