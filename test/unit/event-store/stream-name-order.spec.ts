import fc from 'fast-check';
import { compareCodePoints } from '../../../src/infrastructure/event-store/code-point-order.js';
import { StreamNameIndex } from '../../../src/infrastructure/event-store/eventstoredb/stream-name-index.js';

/** Code point order is the byte order of UTF-8, which PostgreSQL's "C" collation sorts by. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

const streamNames = fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 60 });

describe('code point order', () => {
  it('orders strings as their UTF-8 bytes do', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byUtf8(a, b)));
      }),
    );
  });

  it('puts characters above U+FFFF after U+E000..U+FFFF, unlike UTF-16 order', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFD').toBe(true);
  });
});

describe('StreamNameIndex', () => {
  it('lists each name once, after a given name, in code point order, as names keep arriving', () => {
    fc.assert(
      fc.property(streamNames, streamNames, fc.option(fc.string()), (first, later, after) => {
        const index = new StreamNameIndex();
        for (const name of first) index.add(name);
        const listing = index.namesAfter(null);
        const firstOne = listing.next();
        for (const name of later) index.add(name);

        const expected = [...new Set([...first, ...later])].sort(byUtf8);
        expect(index.size).toBe(expected.length);
        expect([...index.namesAfter(after)]).toEqual(
          after === null ? expected : expected.filter((name) => byUtf8(name, after) > 0),
        );
        // A listing begun before the later names stays as it was.
        const before = [...new Set(first)].sort(byUtf8);
        expect(firstOne.done ? [] : [firstOne.value, ...listing]).toEqual(before);
      }),
    );
  });
});
