/**
 * The on-disk format of a sealed recording (version 1). All integers are big-endian.
 *
 *   offset   size  field
 *   0        4     magic "VWRC"
 *   4        1     version (1)
 *   5        1     key id length n (1..255)
 *   6        n     key id (UTF-8): which key-encryption key (KEK) wraps the data key
 *   6+n      4     chunk size c: plaintext bytes per chunk (every chunk but the last is full)
 *   10+n     8     nonce prefix (random)
 *   18+n     12    IV of the key wrap
 *   30+n     32    data key, encrypted with AES-256-GCM under the KEK
 *                  (AAD: header bytes 0 .. 30+n, so key id, chunk size and prefix are bound to it)
 *   62+n     16    GCM tag of the key wrap
 *   78+n           chunks
 *
 * Chunk i (from 0) is AES-256-GCM under the data key with
 *   nonce = nonce prefix (8) || i (4)
 *   AAD   = the whole header (78+n bytes) || i (4) || final flag (1: 1 for the last chunk, else 0)
 * and is stored as ciphertext (c bytes; 0..c for the last chunk) followed by its 16-byte tag.
 * The final flag in the AAD makes a file cut at a chunk boundary fail (its last chunk was sealed
 * as not final); the index makes reordered chunks fail; the header in the AAD makes a swapped
 * header fail. An empty recording is one final chunk of 0 bytes.
 */
export const MAGIC = Buffer.from('VWRC', 'ascii');
export const FORMAT_VERSION = 1;
export const KEY_BYTES = 32;
export const TAG_BYTES = 16;
export const WRAP_IV_BYTES = 12;
export const NONCE_PREFIX_BYTES = 8;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

/** Bytes of the header after the key id. */
const AFTER_KEY_ID = 4 + NONCE_PREFIX_BYTES + WRAP_IV_BYTES + KEY_BYTES + TAG_BYTES;

export function headerLength(keyIdLength: number): number {
  return 6 + keyIdLength + AFTER_KEY_ID;
}

/** The bytes before the wrapped key: what the key wrap authenticates. */
export function wrapAadLength(keyIdLength: number): number {
  return 6 + keyIdLength + 4 + NONCE_PREFIX_BYTES + WRAP_IV_BYTES;
}

export function chunkNonce(prefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_PREFIX_BYTES + 4);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  return nonce;
}

export function chunkAad(header: Buffer, index: number, final: boolean): Buffer {
  const suffix = Buffer.alloc(5);
  suffix.writeUInt32BE(index, 0);
  suffix.writeUInt8(final ? 1 : 0, 4);
  return Buffer.concat([header, suffix]);
}
