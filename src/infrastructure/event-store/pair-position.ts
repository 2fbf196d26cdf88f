import type { LedgerPosition } from '../../application/ports/event-store.port.js';

/*
 * Both adapters order their global feed by a pair of unsigned 64-bit numbers: PostgreSQL by
 * (writing transaction id, sequence), EventStoreDB by (commit position, prepare position). A
 * LedgerPosition is the pair packed as `(high << 64) + low`, written in decimal, so that comparing
 * two positions as integers compares the pairs exactly as the feed is ordered.
 */

const LOW_64 = (1n << 64n) - 1n;
const DECIMAL = /^\d+$/;

export interface PositionPair {
  readonly high: bigint;
  readonly low: bigint;
}

export function encodePositionPair(high: bigint | string, low: bigint | string): LedgerPosition {
  const h = BigInt(high);
  const l = BigInt(low);
  if (h < 0n || l < 0n || l > LOW_64 || h > LOW_64) {
    throw new RangeError(`Position pair out of range: (${h}, ${l})`);
  }
  return ((h << 64n) + l).toString();
}

export function decodePositionPair(position: LedgerPosition): PositionPair {
  if (!DECIMAL.test(position)) throw new RangeError(`Not a ledger position: ${position}`);
  const value = BigInt(position);
  return { high: value >> 64n, low: value & LOW_64 };
}

export function comparePositionPairs(a: LedgerPosition, b: LedgerPosition): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
