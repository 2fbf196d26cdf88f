import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RecordingCrypto } from '../ports/recording-crypto.port.js';
import type { RecordingStorage } from '../ports/recording-storage.port.js';
import { byteLimit, sha256Tap } from './byte-streams.js';

export interface SealedObject {
  /** Hex SHA-256 of the plaintext. */
  readonly sha256: string;
  /** Plaintext bytes. */
  readonly sizeBytes: number;
  readonly keyId: string;
}

/**
 * Streams plaintext through a size limit, a SHA-256 and the encryptor into a new object at `key`,
 * never holding it whole in memory. Whatever stops it removes the object: on failure nothing is
 * left at `key`. More than `maxBytes` fails with `tooLarge()`.
 */
export async function sealIntoStorage(
  storage: RecordingStorage,
  crypto: RecordingCrypto,
  key: string,
  plaintext: Readable,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<SealedObject> {
  const limit = byteLimit(maxBytes);
  const hash = sha256Tap();
  const { stream: encryptor, keyId } = crypto.encryptor();
  const sealed = new PassThrough();
  const [sealing, storing] = await Promise.allSettled([
    pipeline(plaintext, limit, hash, encryptor, sealed),
    storage.put(key, sealed),
  ]);
  if (sealing.status === 'rejected' || storing.status === 'rejected') {
    await storage.delete(key).catch(() => undefined);
    if (limit.bytes > maxBytes) throw tooLarge();
    throw sealing.status === 'rejected'
      ? sealing.reason
      : (storing as PromiseRejectedResult).reason;
  }
  return { sha256: hash.digest(), sizeBytes: limit.bytes, keyId };
}
