import fc from 'fast-check';
import { decodeCanonicalBase64 } from '../../../src/application/ledger/canonical-base64.js';
import {
  formatSigningKey,
  formatVerifierKey,
  generateSigningKey,
  keyFingerprint,
  noteKeyId,
  openNote,
  parseSigningKey,
  parseVerifierKey,
  signNote,
  SignedNoteError,
  verifierKeyOf,
} from '../../../src/application/ledger/signed-note.js';

/*
 * Known answers from Go's golang.org/x/mod/sumdb/note tests (note_test.go): the keys of
 * "PeterNeumann" and "EnochRoot" and their signatures of one text.
 */
const PETER_SIGNING_KEY =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VERIFIER_KEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_SIGNATURE =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIGNATURE =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * `encoded` (canonical base64 ending in one or two "=") with `bits` set in the unused low bits of
 * its last digit: other text, the same bytes to a lenient decoder.
 */
function withTrailingBits(encoded: string, bits: number): string {
  const padding = encoded.endsWith('==') ? 2 : 1;
  const at = encoded.length - padding - 1;
  const digit = BASE64_DIGITS.indexOf(encoded[at] as string);
  const unused = padding === 2 ? 0b1111 : 0b11;
  const changed = BASE64_DIGITS[(digit & ~unused) | (bits & unused)] as string;
  return encoded.slice(0, at) + changed + encoded.slice(at + 1);
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SignedNoteError) return error.reason;
    throw error;
  }
  throw new Error('expected a SignedNoteError');
}

describe('note keys', () => {
  it('read and write the Go note key formats unchanged', () => {
    const signingKey = parseSigningKey(PETER_SIGNING_KEY);
    expect(signingKey.name).toBe('PeterNeumann');
    expect(signingKey.keyId).toBe(0xc74f20a3);
    expect(formatSigningKey(signingKey)).toBe(PETER_SIGNING_KEY);
    expect(formatVerifierKey(signingKey)).toBe(PETER_VERIFIER_KEY);
    const verifierKey = parseVerifierKey(PETER_VERIFIER_KEY);
    expect(verifierKey.keyId).toBe(0xc74f20a3);
    expect(formatVerifierKey(verifierKey)).toBe(PETER_VERIFIER_KEY);
    expect(formatVerifierKey(verifierKeyOf(signingKey))).toBe(PETER_VERIFIER_KEY);
  });

  it('compute the key id as SHA-256(name || 0x0A || 0x01 || public key)[:4]', () => {
    const verifierKey = parseVerifierKey(PETER_VERIFIER_KEY);
    expect(noteKeyId('PeterNeumann', verifierKey.rawPublicKey)).toBe(0xc74f20a3);
    expect(parseVerifierKey(ENOCH_VERIFIER_KEY).keyId).toBe(0xaf0cfe78);
  });

  it('refuse every truncation and every altered character of a key', () => {
    for (const key of [PETER_VERIFIER_KEY, PETER_SIGNING_KEY]) {
      const parse = key === PETER_VERIFIER_KEY ? parseVerifierKey : parseSigningKey;
      for (let i = 0; i < key.length; i += 1) {
        expect(failure(() => parse(key.slice(0, i)))).toBe('malformed');
        expect(failure(() => parse(key.slice(i + 1)))).toBe('malformed');
        const altered =
          key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        // Upper-case hex in the key id is the same key id, as Go reads it.
        if (altered.toLowerCase() === key.toLowerCase() && /[a-f]/.test(key[i] as string)) continue;
        expect(failure(() => parse(altered))).toBe('malformed');
      }
    }
    // An unknown algorithm byte and a key of the wrong length, each with a matching key id (Go's).
    expect(
      failure(() =>
        parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
      ),
    ).toBe('malformed');
    expect(
      failure(() =>
        parseVerifierKey(
          'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
        ),
      ),
    ).toBe('malformed');
  });

  it('generate keys that round-trip through their strings', () => {
    const key = generateSigningKey('vytalwatch-call-ledger');
    const again = parseSigningKey(formatSigningKey(key));
    expect(again.keyId).toBe(key.keyId);
    expect(again.publicKey).toEqual(key.publicKey);
    const verifierKey = formatVerifierKey(key);
    expect(verifierKey).toMatch(/^vytalwatch-call-ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(parseVerifierKey(verifierKey).keyId).toBe(key.keyId);
    expect(keyFingerprint(verifierKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(() => generateSigningKey('has space')).toThrow(SignedNoteError);
    expect(() => generateSigningKey('a+b')).toThrow(SignedNoteError);
    expect(() => generateSigningKey('')).toThrow(SignedNoteError);
  });
});

describe('signed notes', () => {
  it('sign byte for byte as Go does', () => {
    expect(signNote(TEXT, parseSigningKey(PETER_SIGNING_KEY))).toBe(`${TEXT}\n${PETER_SIGNATURE}`);
  });

  it('open with the key that signed, ignoring signatures by other keys', () => {
    const note = `${TEXT}\n${PETER_SIGNATURE}${ENOCH_SIGNATURE}`;
    expect(openNote(note, PETER_VERIFIER_KEY)).toBe(TEXT);
    expect(openNote(note, parseVerifierKey(ENOCH_VERIFIER_KEY))).toBe(TEXT);
  });

  it('name what failed: an unknown key, a bad signature, a malformed note', () => {
    expect(failure(() => openNote(`${TEXT}\n${ENOCH_SIGNATURE}`, PETER_VERIFIER_KEY))).toBe(
      'unknown-key',
    );
    const corrupted = PETER_SIGNATURE.slice(0, 60) + 'ABCD' + PETER_SIGNATURE.slice(60);
    expect(failure(() => openNote(`${TEXT}\n${corrupted}`, PETER_VERIFIER_KEY))).toBe(
      'bad-signature',
    );
    expect(
      failure(() =>
        openNote(`${TEXT.replace('problem', 'Problem')}\n${PETER_SIGNATURE}`, PETER_VERIFIER_KEY),
      ),
    ).toBe('bad-signature');
    const malformed = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIGNATURE.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIGNATURE}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIGNATURE}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIGNATURE.repeat(101)}`,
      `${TEXT}\n${PETER_SIGNATURE.replace('— ', '-- ')}`,
    ];
    for (const note of malformed) {
      expect(failure(() => openNote(note, PETER_VERIFIER_KEY))).toBe('malformed');
    }
  });

  it('round-trip any text and refuse it once a character changes', () => {
    const key = generateSigningKey('example.com/log');
    const verifierKey = verifierKeyOf(key);
    const line = fc
      .string({ unit: 'grapheme', minLength: 1 })
      .filter((s) => [...s].every((c) => c.charCodeAt(0) >= 0x20));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.nat(), (lines, pick) => {
        const text = `${lines.join('\n')}\n`;
        const note = signNote(text, key);
        expect(openNote(note, verifierKey)).toBe(text);
        // Change one code point of the text (not its final newline).
        const points = Array.from(text);
        const at = pick % (points.length - 1);
        points[at] = points[at] === 'x' ? 'y' : 'x';
        const changed = points.join('');
        expect(failure(() => openNote(`${changed}${note.slice(text.length)}`, verifierKey))).toBe(
          'bad-signature',
        );
      }),
      { numRuns: 50 },
    );
  });

  it('refuse a signature re-encoded in any base64 but the canonical one', () => {
    const encoded = PETER_SIGNATURE.slice('— PeterNeumann '.length, -1);
    expect(Buffer.from(withTrailingBits(encoded, 1), 'base64')).toEqual(
      Buffer.from(encoded, 'base64'),
    );
    const reencoded = [
      withTrailingBits(encoded, 1),
      withTrailingBits(encoded, 2),
      withTrailingBits(encoded, 3),
      encoded.slice(0, -1),
      `${encoded}=`,
      `${encoded.slice(0, 40)}\u00a0${encoded.slice(40)}`,
      `${encoded.slice(0, 40)} ${encoded.slice(40)}`,
      `${encoded} `,
      encoded.replace(/\//g, '_').replace(/\+/g, '-'),
    ];
    for (const variant of reencoded) {
      const note = `${TEXT}\n— PeterNeumann ${variant}\n`;
      expect({ variant, failure: failure(() => openNote(note, PETER_VERIFIER_KEY)) }).toEqual({
        variant,
        failure: 'malformed',
      });
    }
    // Also a signature by another key, which is otherwise ignored, must be well formed.
    const enoch = ENOCH_SIGNATURE.slice('— EnochRoot '.length, -1);
    expect(
      failure(() =>
        openNote(
          `${TEXT}\n${PETER_SIGNATURE}— EnochRoot ${withTrailingBits(enoch, 2)}\n`,
          PETER_VERIFIER_KEY,
        ),
      ),
    ).toBe('malformed');
  });

  it('refuse every note whose signature has other trailing bits than the signer wrote', () => {
    const key = generateSigningKey('example.com/log');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z ]{1,60}$/),
        fc.integer({ min: 1, max: 3 }),
        (t, bits) => {
          const text = `${t}\n`;
          const note = signNote(text, key);
          const prefix = `${text}\n— example.com/log `;
          const encoded = note.slice(prefix.length, -1);
          expect(openNote(note, verifierKeyOf(key))).toBe(text);
          const forged = `${prefix}${withTrailingBits(encoded, bits)}\n`;
          expect(failure(() => openNote(forged, verifierKeyOf(key)))).toBe('malformed');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuse to sign a text without its final newline or with control characters', () => {
    const key = generateSigningKey('example.com/log');
    expect(failure(() => signNote('no newline', key))).toBe('malformed');
    expect(failure(() => signNote('tab\there\n', key))).toBe('malformed');
  });
});

describe('canonical base64', () => {
  it('decodes what Buffer encodes, and nothing else that decodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(), (raw, bits, at) => {
        const bytes = Buffer.from(raw);
        const encoded = bytes.toString('base64');
        expect(decodeCanonicalBase64(encoded)).toEqual(bytes);
        if (encoded.endsWith('=')) {
          const unused = encoded.endsWith('==') ? 0b1111 : 0b11;
          const changed = withTrailingBits(encoded, (bits % unused) + 1);
          expect(decodeCanonicalBase64(changed)).toBeNull();
          expect(decodeCanonicalBase64(encoded.replace(/=+$/, ''))).toBeNull();
        }
        const split = at % (encoded.length + 1);
        for (const space of [' ', '\n', '\r\n', '\t']) {
          const spaced = encoded.slice(0, split) + space + encoded.slice(split);
          expect(decodeCanonicalBase64(spaced)).toBeNull();
        }
      }),
    );
  });

  it('refuses the URL alphabet, padding in the middle and stray padding', () => {
    expect(decodeCanonicalBase64('-_-_')).toBeNull();
    expect(decodeCanonicalBase64('AA==AAAA')).toBeNull();
    expect(decodeCanonicalBase64('====')).toBeNull();
    expect(decodeCanonicalBase64('AAA==')).toBeNull();
    expect(decodeCanonicalBase64('')).toEqual(Buffer.alloc(0));
  });
});
