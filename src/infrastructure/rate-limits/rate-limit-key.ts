import { createHash } from 'node:crypto';

/** Keys name accounts and addresses: stores keep only this digest of them. */
export function rateLimitKeyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
