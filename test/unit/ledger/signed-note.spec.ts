import fc from 'fast-check';
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

  it('refuse to sign a text without its final newline or with control characters', () => {
    const key = generateSigningKey('example.com/log');
    expect(failure(() => signNote('no newline', key))).toBe('malformed');
    expect(failure(() => signNote('tab\there\n', key))).toBe('malformed');
  });
});
