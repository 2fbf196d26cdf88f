import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  type CipherGCM,
  type DecipherGCM,
} from 'node:crypto';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import {
  RecordingIntegrityError,
  type RecordingCrypto,
} from '../../application/ports/recording-crypto.port.js';
import {
  DEFAULT_CHUNK_BYTES,
  FORMAT_VERSION,
  KEY_BYTES,
  MAGIC,
  MAX_CHUNK_BYTES,
  NONCE_PREFIX_BYTES,
  TAG_BYTES,
  WRAP_IV_BYTES,
  chunkAad,
  chunkNonce,
  headerLength,
  wrapAadLength,
} from './sealed-recording-format.js';

const ALGORITHM = 'aes-256-gcm';

export interface KeyEncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/** A key id that names a KEK without revealing it: a short SHA-256 fingerprint. */
export function kekFingerprint(key: Buffer): string {
  return `kek-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * AES-256-GCM envelope encryption with node:crypto (see sealed-recording-format.ts). The current
 * KEK wraps new data keys; older KEKs may be listed so files they wrapped stay readable.
 */
export class AesGcmRecordingCrypto implements RecordingCrypto {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    private readonly current: KeyEncryptionKey,
    previous: readonly KeyEncryptionKey[] = [],
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    for (const kek of [current, ...previous]) {
      if (kek.key.length !== KEY_BYTES) throw new Error('A key-encryption key must be 32 bytes');
      if (Buffer.byteLength(kek.id) < 1 || Buffer.byteLength(kek.id) > 255) {
        throw new Error('A key id must be 1 to 255 bytes');
      }
    }
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new Error(`The chunk size must be 1..${MAX_CHUNK_BYTES} bytes`);
    }
    this.keys = new Map([current, ...previous].map((kek) => [kek.id, kek.key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  canOpen(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  encryptor(): { stream: Transform; keyId: string } {
    return {
      stream: new EncryptStream(this.current, this.chunkBytes),
      keyId: this.current.id,
    };
  }

  decryptor(): Transform {
    return new DecryptStream(this.keys);
  }

  async decryptFrom(
    open: (sealedOffset: number) => Promise<Readable>,
    from: number,
  ): Promise<Readable> {
    if (from <= 0) return pipelineStreams(await open(0), this.decryptor());
    const header = await readHeaderBytes(await open(0));
    const decryptor = new DecryptStream(this.keys);
    const { chunkBytes, headerBytes } = decryptor.prime(header);
    const index = Math.floor(from / chunkBytes);
    decryptor.startAt(index);
    const sealed = await open(headerBytes + index * (chunkBytes + TAG_BYTES));
    let skip = from - index * chunkBytes;
    const skipper = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const dropped = Math.min(skip, chunk.length);
        skip -= dropped;
        done(null, dropped === chunk.length ? undefined : chunk.subarray(dropped));
      },
    });
    return pipelineStreams(pipelineStreams(sealed, decryptor), skipper);
  }
}

/** Pipes with error propagation; the returned stream carries any error of the chain. */
function pipelineStreams(source: Readable, target: Transform): Transform {
  return pipeline(source, target, () => undefined);
}

/** The header of a sealed file: its first bytes, up to the end of the key wrap. */
async function readHeaderBytes(stream: Readable): Promise<Buffer> {
  const queue = new ByteQueue();
  try {
    for await (const chunk of stream) {
      queue.push(chunk as Buffer);
      if (queue.length >= 6) {
        const start = queue.take(queue.length);
        queue.push(start);
        const length = headerLength(start.readUInt8(5));
        if (queue.length >= length) return queue.take(length);
      }
    }
  } finally {
    stream.destroy();
  }
  throw new RecordingIntegrityError('truncated');
}

/** Collects incoming buffers and hands out exact-size slices without copying more than needed. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  take(count: number): Buffer {
    const first = this.parts[0];
    let out: Buffer;
    if (first !== undefined && first.length >= count) {
      out = first.subarray(0, count);
      if (first.length === count) this.parts.shift();
      else this.parts[0] = first.subarray(count);
    } else {
      const all = Buffer.concat(this.parts, this.length);
      out = all.subarray(0, count);
      this.parts = all.length > count ? [all.subarray(count)] : [];
    }
    this.length -= count;
    return out;
  }
}

class EncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly dataKey: Buffer;
  private readonly noncePrefix: Buffer;
  private readonly pending = new ByteQueue();
  private index = 0;

  constructor(
    kek: KeyEncryptionKey,
    private readonly chunkBytes: number,
  ) {
    super();
    this.dataKey = randomBytes(KEY_BYTES);
    this.noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
    const keyId = Buffer.from(kek.id, 'utf8');
    const wrapIv = randomBytes(WRAP_IV_BYTES);
    const fixed = Buffer.alloc(6);
    MAGIC.copy(fixed, 0);
    fixed.writeUInt8(FORMAT_VERSION, 4);
    fixed.writeUInt8(keyId.length, 5);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(chunkBytes, 0);
    const wrapAad = Buffer.concat([fixed, keyId, size, this.noncePrefix, wrapIv]);
    const wrap = createCipheriv(ALGORITHM, kek.key, wrapIv) as CipherGCM;
    wrap.setAAD(wrapAad);
    const wrapped = Buffer.concat([wrap.update(this.dataKey), wrap.final()]);
    this.header = Buffer.concat([wrapAad, wrapped, wrap.getAuthTag()]);
    this.push(this.header);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    // A chunk is sealed only once more data follows it: only then is it known not to be final.
    while (this.pending.length > this.chunkBytes) {
      this.push(this.seal(this.pending.take(this.chunkBytes), false));
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.seal(this.pending.take(this.pending.length), true));
    this.dataKey.fill(0);
    done();
  }

  private seal(plaintext: Buffer, final: boolean): Buffer {
    const cipher = createCipheriv(
      ALGORITHM,
      this.dataKey,
      chunkNonce(this.noncePrefix, this.index),
    ) as CipherGCM;
    cipher.setAAD(chunkAad(this.header, this.index, final));
    this.index++;
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }
}

class DecryptStream extends Transform {
  private readonly pending = new ByteQueue();
  private header: Buffer | null = null;
  private dataKey: Buffer | null = null;
  private noncePrefix: Buffer = Buffer.alloc(0);
  private recordBytes = 0;
  private index = 0;

  constructor(private readonly keys: ReadonlyMap<string, Buffer>) {
    super();
  }

  /** Parses a header read separately (ranged reads); the sealed chunks then follow alone. */
  prime(header: Buffer): { chunkBytes: number; headerBytes: number } {
    this.pending.push(header);
    if (!this.readHeader()) throw new RecordingIntegrityError('truncated');
    return { chunkBytes: this.recordBytes - TAG_BYTES, headerBytes: header.length };
  }

  /** The index of the first chunk that will arrive. */
  startAt(index: number): void {
    this.index = index;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending.push(chunk);
      if (this.header === null && !this.readHeader()) return done();
      // Keep at least one record back: the last one must be opened as the final chunk.
      while (this.pending.length > this.recordBytes) {
        this.push(this.open(this.pending.take(this.recordBytes), false));
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.header === null) throw new RecordingIntegrityError('truncated');
      if (this.pending.length < TAG_BYTES) throw new RecordingIntegrityError('truncated');
      this.push(this.open(this.pending.take(this.pending.length), true));
      this.dataKey?.fill(0);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  /** Parses and unwraps the header once enough bytes arrived; false while waiting for more. */
  private readHeader(): boolean {
    if (this.pending.length < 6) return false;
    const start = this.pending.take(this.pending.length);
    this.pending.push(start);
    if (!start.subarray(0, 4).equals(MAGIC)) throw new RecordingIntegrityError('not_a_recording');
    if (start.readUInt8(4) !== FORMAT_VERSION) {
      throw new RecordingIntegrityError('unsupported_version');
    }
    const keyIdLength = start.readUInt8(5);
    const length = headerLength(keyIdLength);
    if (start.length < length) return false;
    const header = this.pending.take(length);
    const keyId = header.subarray(6, 6 + keyIdLength).toString('utf8');
    const kek = this.keys.get(keyId);
    if (kek === undefined) throw new RecordingIntegrityError('unknown_key');
    let offset = 6 + keyIdLength;
    const chunkBytes = header.readUInt32BE(offset);
    if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new RecordingIntegrityError('tampered');
    }
    offset += 4;
    this.noncePrefix = header.subarray(offset, offset + NONCE_PREFIX_BYTES);
    offset += NONCE_PREFIX_BYTES;
    const wrapIv = header.subarray(offset, offset + WRAP_IV_BYTES);
    offset += WRAP_IV_BYTES;
    const wrapped = header.subarray(offset, offset + KEY_BYTES);
    const tag = header.subarray(offset + KEY_BYTES, offset + KEY_BYTES + TAG_BYTES);
    try {
      const unwrap = createDecipheriv(ALGORITHM, kek, wrapIv) as DecipherGCM;
      unwrap.setAAD(header.subarray(0, wrapAadLength(keyIdLength)));
      unwrap.setAuthTag(tag);
      this.dataKey = Buffer.concat([unwrap.update(wrapped), unwrap.final()]);
    } catch {
      throw new RecordingIntegrityError('tampered');
    }
    this.header = header;
    this.recordBytes = chunkBytes + TAG_BYTES;
    return true;
  }

  /** Authenticates one whole chunk before any of its plaintext leaves. */
  private open(record: Buffer, final: boolean): Buffer {
    const plaintext = this.tryOpen(record, this.index, final);
    if (plaintext === null) {
      // A last chunk that opens as "not final" means the file was cut at a chunk boundary.
      const cut = final && this.tryOpen(record, this.index, false) !== null;
      throw new RecordingIntegrityError(cut ? 'truncated' : 'tampered');
    }
    this.index++;
    return plaintext;
  }

  private tryOpen(record: Buffer, index: number, final: boolean): Buffer | null {
    if (this.header === null || this.dataKey === null) return null;
    const decipher = createDecipheriv(
      ALGORITHM,
      this.dataKey,
      chunkNonce(this.noncePrefix, index),
    ) as DecipherGCM;
    decipher.setAAD(chunkAad(this.header, index, final));
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(record.subarray(0, record.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      return null;
    }
  }
}
