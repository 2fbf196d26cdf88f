/*
 * Base64 as the ledger writes it: RFC 4648 section 4, padded, with the unused bits of the last
 * character zero. Every byte string has exactly one such form, so a checkpoint, a signature or a key
 * read back is the very text that was written: a re-encoded one (other padding, other trailing bits,
 * whitespace, the URL alphabet) is refused rather than taken for the same value.
 */

const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of `text` when it is their canonical standard base64; null otherwise. */
export function decodeCanonicalBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !BASE64_ALPHABET.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}
