import type { Duplex, Readable } from 'node:stream';

export const RECORDING_CRYPTO = Symbol('RECORDING_CRYPTO');

/**
 * Envelope encryption of recordings: every recording gets a fresh data key, wrapped by the
 * key-encryption key (KEK) from configuration and stored in the sealed file's own header, so
 * deleting the object deletes its data key too.
 */
export interface RecordingCrypto {
  /** Plaintext in, sealed bytes out; `keyId` names the KEK that wraps this recording's data key. */
  encryptor(): { readonly stream: Duplex; readonly keyId: string };
  /**
   * Sealed bytes in, plaintext out. Each chunk is authenticated before any of its bytes is
   * pushed; an altered, reordered or truncated file fails with RecordingIntegrityError.
   */
  decryptor(): Duplex;
  /**
   * Plaintext from byte `from` to the end, for ranged reads: reads the header, then only the
   * sealed bytes from the chunk that holds `from` on (via `open(sealedOffset)`), each chunk
   * authenticated as in `decryptor`.
   */
  decryptFrom(open: (sealedOffset: number) => Promise<Readable>, from: number): Promise<Readable>;
  /** The id of the KEK that wraps new data keys. */
  readonly currentKeyId: string;
  /** Whether a data key wrapped by KEK `keyId` can be unwrapped (the current or a previous KEK). */
  canOpen(keyId: string): boolean;
}

export type RecordingIntegrityProblem =
  'not_a_recording' | 'unsupported_version' | 'unknown_key' | 'tampered' | 'truncated';

export class RecordingIntegrityError extends Error {
  readonly code = 'RECORDING.INTEGRITY_FAILED';
  constructor(readonly problem: RecordingIntegrityProblem) {
    super(`The stored recording failed its integrity check (${problem}); it was not returned.`);
    this.name = 'RecordingIntegrityError';
  }
}
