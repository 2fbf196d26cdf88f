import { InvalidCursorError } from '../../../src/application/ports/invalid-cursor.error.js';
import {
  decodeCursor,
  encodeCursor,
  type CursorPart,
} from '../../../src/infrastructure/postgres/keyset-cursor.js';

const ID = '00000000-0000-4000-8000-000000000003';
const forged = (...key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('keyset cursors', () => {
  it('reads back every key this server writes', () => {
    const keys: Array<[string[], CursorPart[]]> = [
      [
        ['2026-12-03T14:00:00.123Z', ID],
        ['instant', 'uuid'],
      ],
      [
        ['2026-12-03T14:00:00Z', ID],
        ['instant', 'uuid'],
      ],
      [
        ['Zoë 😀 Patient', ID],
        ['text', 'uuid'],
      ],
      [['0'], ['position']],
      [['1'.repeat(40)], ['position']],
    ];
    for (const [key, shape] of keys) expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it.each<[string, string, CursorPart[]]>([
    ['not base64 JSON', '%%%', ['position']],
    ['not an array', Buffer.from('{"a":1}').toString('base64url'), ['position']],
    ['the wrong arity', forged('2026-12-03T14:00:00Z'), ['instant', 'uuid']],
    ['a number part', forged(12), ['position']],
    ['a date that is not one', forged('tomorrow', ID), ['instant', 'uuid']],
    ['an impossible date', forged('2026-02-30T10:00:00Z', ID), ['instant', 'uuid']],
    ['a date without a zone', forged('2026-12-03T14:00:00', ID), ['instant', 'uuid']],
    [
      'an id that is not a UUID',
      forged('2026-12-03T14:00:00Z', "1' OR '1'='1"),
      ['instant', 'uuid'],
    ],
    ['text with NUL', forged('a\u0000', ID), ['text', 'uuid']],
    ['text with a lone surrogate', forged('a\ud800', ID), ['text', 'uuid']],
    ['text over 256 characters', forged('a'.repeat(257), ID), ['text', 'uuid']],
    ['a negative position', forged('-1'), ['position']],
    ['a position of 41 digits', forged('9'.repeat(41)), ['position']],
    ['a position with a leading zero', forged('01'), ['position']],
  ])('refuses %s', (_name, cursor, shape) => {
    expect(() => decodeCursor(cursor, shape)).toThrow(InvalidCursorError);
  });
});
