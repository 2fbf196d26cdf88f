import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { decodeCanonicalBase64 } from './canonical-base64.js';

/*
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, in the key formats of Go's
 * golang.org/x/mod/sumdb/note, so any note tool checks our checkpoints. Auditors rely on:
 *
 *   note           = text || "\n" || signature lines         (text ends in "\n")
 *   signature line = "— " || key name || " " || base64(key id || Ed25519 signature of text) || "\n"
 *                    (the dash is the em dash U+2014; the key id is 4 bytes, big-endian)
 *   key id         = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]
 *   verifier key   = key name || "+" || 8 lowercase hex digits of the key id || "+" ||
 *                    base64(0x01 || 32-byte public key)
 *   signing key    = "PRIVATE+KEY+" || key name || "+" || key id hex || "+" ||
 *                    base64(0x01 || 32-byte Ed25519 seed)
 *
 * Base64 is RFC 4648 section 4, padded, and canonical (canonical-base64.ts): a signature or key
 * in any other encoding of the same bytes is malformed. A key name is non-empty with no spaces,
 * no "+" and no control characters. Notes are UTF-8 without control characters other than newline.
 *
 * Opening a note follows the spec: the text is what precedes the last blank line; signatures by
 * other keys are ignored; a signature by the expected key (same name and key id) must verify,
 * and the note is rejected when none is present.
 */

/** The signature type byte of Ed25519 in key ids and keys. */
export const ED25519_SIGNATURE_TYPE = 0x01;

/** Go's note package rejects notes with more signatures than this; so do we. */
const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
const SIGNING_KEY_PREFIX = 'PRIVATE+KEY+';
// DER framing of a raw Ed25519 key (RFC 8410), so node:crypto imports the 32 bytes as a KeyObject.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_SIZE = 32;
const SIGNATURE_SIZE = 64;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
// Go's unicode.IsSpace, plus the control characters a note may not hold anyway.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_IN_KEY_NAME = /[\s\u0085\u0000-\u001f+]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OTHER_THAN_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface NoteSigningKey {
  readonly name: string;
  /** The key id as an unsigned 32-bit number. */
  readonly keyId: number;
  readonly privateKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
}

export interface NoteVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  readonly rawPublicKey: Buffer;
}

/** Why a note or key was refused. */
export type SignedNoteFailure = 'malformed' | 'unknown-key' | 'bad-signature';

export class SignedNoteError extends Error {
  constructor(
    readonly reason: SignedNoteFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignedNoteError';
  }
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !NOT_IN_KEY_NAME.test(name) && !LONE_SURROGATE.test(name);
}

/** SHA-256(key name || 0x0A || 0x01 || public key)[:4], big-endian. */
export function noteKeyId(name: string, rawPublicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ED25519_SIGNATURE_TYPE]))
    .update(rawPublicKey)
    .digest()
    .readUInt32BE(0);
}

export function generateSigningKey(name: string): NoteSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFrom(name, privateKey);
}

/** Reads a `PRIVATE+KEY+<name>+<key id>+<base64>` string; its key id must match its key. */
export function parseSigningKey(text: string): NoteSigningKey {
  const malformed = (why: string): SignedNoteError =>
    new SignedNoteError('malformed', `not an Ed25519 note signing key: ${why}`);
  if (!text.startsWith(SIGNING_KEY_PREFIX)) throw malformed(`it starts with ${SIGNING_KEY_PREFIX}`);
  const key = decodeTypedKey(text.slice(SIGNING_KEY_PREFIX.length), malformed);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, key.raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const signingKey = signingKeyFrom(key.name, privateKey);
  if (signingKey.keyId !== key.keyId) throw malformed('its key id does not match its key');
  return signingKey;
}

export function formatSigningKey(key: NoteSigningKey): string {
  const seed = key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-KEY_SIZE);
  const typed = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), seed]);
  return `${SIGNING_KEY_PREFIX}${key.name}+${keyIdHex(key.keyId)}+${typed.toString('base64')}`;
}

/** Reads a `<name>+<key id>+<base64>` verifier key; its key id must match its key. */
export function parseVerifierKey(text: string): NoteVerifierKey {
  const malformed = (why: string): SignedNoteError =>
    new SignedNoteError('malformed', `not an Ed25519 note verifier key: ${why}`);
  const key = decodeTypedKey(text, malformed);
  if (noteKeyId(key.name, key.raw) !== key.keyId) throw malformed('its key id does not match');
  return verifierKeyFrom(key.name, key.raw);
}

export function formatVerifierKey(key: NoteSigningKey | NoteVerifierKey): string {
  const raw = 'rawPublicKey' in key ? key.rawPublicKey : key.publicKey;
  const typed = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), raw]);
  return `${key.name}+${keyIdHex(key.keyId)}+${typed.toString('base64')}`;
}

export function verifierKeyOf(key: NoteSigningKey): NoteVerifierKey {
  return verifierKeyFrom(key.name, key.publicKey);
}

/** Lowercase hex SHA-256 of the verifier key string, for comparing keys by eye or out of band. */
export function keyFingerprint(verifierKey: string): string {
  return createHash('sha256').update(verifierKey, 'utf8').digest('hex');
}

/** The signed note: `body` (ending in a newline), a blank line, and one signature line. */
export function signNote(body: string, key: NoteSigningKey): string {
  if (!body.endsWith('\n')) throw new SignedNoteError('malformed', 'a note text ends in a newline');
  if (CONTROL_OTHER_THAN_NEWLINE.test(body) || LONE_SURROGATE.test(body)) {
    throw new SignedNoteError('malformed', 'a note text holds no control characters');
  }
  if (!isValidKeyName(key.name)) throw new SignedNoteError('malformed', 'invalid key name');
  const signature = sign(null, Buffer.from(body, 'utf8'), key.privateKey);
  const keyId = Buffer.alloc(4);
  keyId.writeUInt32BE(key.keyId);
  const encoded = Buffer.concat([keyId, signature]).toString('base64');
  return `${body}\n${SIGNATURE_PREFIX}${key.name} ${encoded}\n`;
}

/**
 * The text of `note` once a signature by `verifierKey` verifies. Throws a SignedNoteError:
 * `malformed` when it is not a signed note, `unknown-key` when no signature is by this key,
 * `bad-signature` when the signature by this key does not verify.
 */
export function openNote(note: string, verifierKey: NoteVerifierKey | string): string {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const malformed = (why: string): SignedNoteError =>
    new SignedNoteError('malformed', `not a signed note: ${why}`);
  if (CONTROL_OTHER_THAN_NEWLINE.test(note) || LONE_SURROGATE.test(note)) {
    throw malformed('it holds control characters or is not UTF-8');
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('no signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw malformed('a line after the text is no signature');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const encoded = space < 0 ? '' : rest.slice(space + 1);
    if (!isValidKeyName(name) || encoded === '') {
      throw malformed('a signature line is not "— <name> <base64>"');
    }
    const signature = decodeCanonicalBase64(encoded);
    if (signature === null) throw malformed('a signature is not canonical padded base64');
    if (signature.length < 5) throw malformed('a signature is too short');
    // The spec: signatures by other keys are ignored; the first by this key decides.
    if (verified || name !== key.name || signature.readUInt32BE(0) !== key.keyId) continue;
    const ed25519 = signature.subarray(4);
    if (
      ed25519.length !== SIGNATURE_SIZE ||
      !verify(null, Buffer.from(text, 'utf8'), key.publicKey, ed25519)
    ) {
      throw new SignedNoteError('bad-signature', `the signature by ${key.name} does not verify`);
    }
    verified = true;
  }
  if (!verified) throw new SignedNoteError('unknown-key', `the note is not signed by ${key.name}`);
  return text;
}

function signingKeyFrom(name: string, privateKey: KeyObject): NoteSigningKey {
  if (!isValidKeyName(name)) throw new SignedNoteError('malformed', 'invalid key name');
  const publicKey = createPublicKey(privateKey)
    .export({ format: 'der', type: 'spki' })
    .subarray(-KEY_SIZE);
  return { name, keyId: noteKeyId(name, publicKey), privateKey, publicKey: Buffer.from(publicKey) };
}

function verifierKeyFrom(name: string, rawPublicKey: Buffer): NoteVerifierKey {
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, rawPublicKey]),
    format: 'der',
    type: 'spki',
  });
  return { name, keyId: noteKeyId(name, rawPublicKey), publicKey, rawPublicKey };
}

/** The name, key id and raw 32-byte key of `<name>+<key id hex>+<base64(0x01 || key)>`. */
function decodeTypedKey(
  text: string,
  malformed: (why: string) => SignedNoteError,
): { name: string; keyId: number; raw: Buffer } {
  // The base64 part may itself hold "+": only the first two separate parts.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw malformed('it has three parts joined by "+"');
  const name = text.slice(0, first);
  const keyIdText = text.slice(first + 1, second);
  const encoded = text.slice(second + 1);
  if (!isValidKeyName(name)) throw malformed('invalid key name');
  if (!KEY_ID_HEX.test(keyIdText)) throw malformed('the key id is 8 hex digits');
  const typed = decodeCanonicalBase64(encoded);
  if (typed === null) throw malformed('the key is not canonical padded base64');
  if (typed[0] !== ED25519_SIGNATURE_TYPE) throw malformed('the key is not an Ed25519 key');
  if (typed.length !== 1 + KEY_SIZE) throw malformed(`an Ed25519 key has ${KEY_SIZE} bytes`);
  return { name, keyId: Number.parseInt(keyIdText, 16), raw: typed.subarray(1) };
}

function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}
