import { copyTextValue } from '../../../src/projections/copy-writer.js';

describe("a value in COPY's text format", () => {
  it('spells null and undefined as \\N, so a text "\\N" stays text', () => {
    expect(copyTextValue(null)).toBe('\\N');
    expect(copyTextValue(undefined)).toBe('\\N');
    expect(copyTextValue('\\N')).toBe('\\\\N');
  });

  it('escapes the characters that would end a column or a row, and the backslash', () => {
    expect(copyTextValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyTextValue('plain "quoted" text, with commas')).toBe(
      'plain "quoted" text, with commas',
    );
  });

  it('writes booleans, numbers and jsonb objects as PostgreSQL reads them', () => {
    expect(copyTextValue(true)).toBe('t');
    expect(copyTextValue(false)).toBe('f');
    expect(copyTextValue(12.5)).toBe('12.5');
    expect(copyTextValue({ userAgent: 'x\ty' })).toBe('{"userAgent":"x\\\\ty"}');
  });

  it('writes bytes as bytea hex, its backslash escaped', () => {
    expect(copyTextValue(Buffer.from([0x00, 0x0a, 0xff]))).toBe('\\\\x000aff');
    expect(copyTextValue(new Uint8Array([1, 2, 3, 4]).subarray(1, 3))).toBe('\\\\x0203');
  });

  it('refuses what it cannot spell faithfully', () => {
    expect(() => copyTextValue(Number.NaN)).toThrow(/NaN/);
    expect(() => copyTextValue(['a'])).toThrow(/Arrays/);
  });
});
