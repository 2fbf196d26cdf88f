import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { RangeNotSatisfiableError, RecordingTooLargeError } from './recording.errors.js';

/** Fails the stream as soon as more than `maxBytes` passed. */
export function byteLimit(maxBytes: number): Transform & { readonly bytes: number } {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new RecordingTooLargeError(maxBytes));
      else done(null, chunk);
    },
  });
  return Object.defineProperty(limit, 'bytes', { get: () => bytes }) as Transform & {
    readonly bytes: number;
  };
}

/** Passes bytes through and keeps their SHA-256. */
export function sha256Tap(): Transform & { digest(): string } {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return Object.assign(tap, { digest: () => hash.digest('hex') });
}

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/**
 * One `bytes=` range of RFC 9110 against a known size: `a-b`, `a-` or `-n`. Anything else (several
 * ranges, other units, garbage) is ignored, as the RFC allows: the whole file is sent.
 */
export function parseRange(header: string | null, size: number): ByteRange | null {
  if (header === null) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw new RangeNotSatisfiableError(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) throw new RangeNotSatisfiableError(size);
  return { start, end };
}

/** Passes on only the bytes [start, end] of the stream, then ends it. */
export function byteSlice(range: ByteRange): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(range.start - offset, 0);
      const to = Math.min(range.end + 1 - offset, chunk.length);
      offset += chunk.length;
      done(null, to > from ? chunk.subarray(from, to) : undefined);
    },
  });
}
