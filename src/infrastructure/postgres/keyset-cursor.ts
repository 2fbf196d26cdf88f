import { InvalidCursorError } from '../../application/ports/invalid-cursor.error.js';

/**
 * Opaque keyset-pagination cursors: the sort key of the last row of a page. Keyset (not OFFSET)
 * pages stay stable while rows are inserted and cost the same on page 1 and page 10,000.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What each part of a cursor's key must be. A cursor comes back from the client, so it is checked
 * as strictly as any other input: a part the database would refuse (a date that is not one, an id
 * that is not a UUID, text with NUL) must never reach it, or its text would end up in an error.
 */
export type CursorPart = 'instant' | 'uuid' | 'text' | 'position';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSITION = /^(?:0|[1-9]\d{0,39})$/;

function isInstant(part: string): boolean {
  if (!INSTANT.test(part)) return false;
  const parsed = new Date(part);
  // Date rolls 2026-02-30 over to March; an instant this server wrote reads back unchanged.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === part.slice(0, 19);
}

function isText(part: string): boolean {
  return part.length <= 256 && !/\p{Cs}/u.test(part) && !part.includes('\u0000');
}

const CHECKS: Record<CursorPart, (part: string) => boolean> = {
  instant: isInstant,
  uuid: (part) => UUID.test(part),
  text: isText,
  position: (part) => POSITION.test(part),
};

/** The key of a cursor this server issued, of that shape; anything else is an InvalidCursorError. */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): string[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    Array.isArray(value) &&
    value.length === shape.length &&
    value.every(
      (part, index) => typeof part === 'string' && CHECKS[shape[index] as CursorPart](part),
    )
  ) {
    return value as string[];
  }
  throw new InvalidCursorError();
}
