import { createHash, randomBytes } from 'node:crypto';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordingIntegrityError } from '../../../src/application/ports/recording-crypto.port.js';
import {
  AesGcmRecordingCrypto,
  kekFingerprint,
} from '../../../src/infrastructure/crypto/aes-gcm-recording-crypto.adapter.js';
import { headerLength } from '../../../src/infrastructure/crypto/sealed-recording-format.js';

const KEK = randomBytes(32);
const KEY_ID = kekFingerprint(KEK);
const CHUNK = 1024;

function crypto(chunkBytes = CHUNK) {
  return new AesGcmRecordingCrypto({ id: KEY_ID, key: KEK }, [], chunkBytes);
}

/** Feeds `input` in pieces of odd sizes so chunk boundaries never line up with writes. */
async function run(stream: Duplex, input: Buffer, piece = 333): Promise<Buffer> {
  const out: Buffer[] = [];
  const pieces = function* () {
    for (let offset = 0; offset < input.length; offset += piece) {
      yield input.subarray(offset, offset + piece);
    }
  };
  await pipeline(Readable.from(pieces()), stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return Buffer.concat(out);
}

const seal = (plaintext: Buffer, chunkBytes = CHUNK) =>
  run(crypto(chunkBytes).encryptor().stream, plaintext);
const open = (sealed: Buffer) => run(crypto().decryptor(), sealed);

async function integrityProblem(sealed: Buffer): Promise<string> {
  const error = await open(sealed).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RecordingIntegrityError);
  expect(error).toMatchObject({ code: 'RECORDING.INTEGRITY_FAILED' });
  return (error as RecordingIntegrityError).problem;
}

describe('AES-256-GCM sealed recordings', () => {
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 10 * CHUNK + 17])(
    'round-trips %i bytes',
    async (size) => {
      const plaintext = randomBytes(size);
      const sealed = await seal(plaintext);
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      expect(sealed.length).toBe(headerLength(Buffer.byteLength(KEY_ID)) + size + chunks * 16);
      expect((await open(sealed)).equals(plaintext)).toBe(true);
    },
  );

  it('uses a fresh data key and nonces for every recording', async () => {
    const plaintext = Buffer.alloc(4 * CHUNK, 7);
    const [a, b] = [await seal(plaintext), await seal(plaintext)];
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(0, 4).toString()).toBe('VWRC');
    expect(a.includes(plaintext.subarray(0, 64))).toBe(false);
  });

  it('names the key-encryption key in the header', async () => {
    const sealed = await seal(Buffer.from('hello'));
    expect(sealed.subarray(6, 6 + KEY_ID.length).toString()).toBe(KEY_ID);
    expect(crypto().encryptor().keyId).toBe(KEY_ID);
  });

  describe('tamper detection', () => {
    const plaintext = randomBytes(5 * CHUNK + 100);
    let sealed: Buffer;
    beforeAll(async () => {
      sealed = await seal(plaintext);
    });

    it.each([
      ['the magic', 0],
      ['the key id', 8],
      ['the chunk size', 6 + KEY_ID.length + 1],
      ['the wrapped key', 6 + KEY_ID.length + 40],
      ['the first chunk', headerLength(KEY_ID.length) + 5],
      ['a middle chunk', headerLength(KEY_ID.length) + 2 * (CHUNK + 16) + 9],
      ['a tag', headerLength(KEY_ID.length) + CHUNK + 3],
      ['the last byte', -1],
    ])('fails when one byte of %s is flipped', async (_label, offset) => {
      const copy = Buffer.from(sealed);
      const at = offset < 0 ? copy.length + offset : offset;
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      await integrityProblem(copy);
    });

    it('fails on a file cut at a chunk boundary (the final flag is bound into the AAD)', async () => {
      const cut = sealed.subarray(0, headerLength(KEY_ID.length) + 2 * (CHUNK + 16));
      expect(await integrityProblem(cut)).toBe('truncated');
    });

    it('fails on a file cut inside a chunk, inside the header, or emptied', async () => {
      await integrityProblem(sealed.subarray(0, sealed.length - 7));
      expect(await integrityProblem(sealed.subarray(0, 20))).toBe('truncated');
      expect(await integrityProblem(Buffer.alloc(0))).toBe('truncated');
    });

    it('fails on swapped chunks', async () => {
      const start = headerLength(KEY_ID.length);
      const record = CHUNK + 16;
      const copy = Buffer.from(sealed);
      sealed.copy(copy, start, start + record, start + 2 * record);
      sealed.copy(copy, start + record, start, start + record);
      await integrityProblem(copy);
    });

    it('fails on a file that is not a sealed recording, or an unknown key', async () => {
      expect(await integrityProblem(Buffer.from('just some webm bytes'))).toBe('not_a_recording');
      const other = new AesGcmRecordingCrypto({ id: 'kek-other', key: randomBytes(32) });
      const foreign = await run(other.encryptor().stream, Buffer.from('secret'));
      expect(await integrityProblem(foreign)).toBe('unknown_key');
    });

    it('never emits plaintext of a chunk that fails', async () => {
      const copy = Buffer.from(sealed);
      const lastChunk = headerLength(KEY_ID.length) + 5 * (CHUNK + 16) + 3;
      copy[lastChunk] = (copy[lastChunk] ?? 0) ^ 0xff;
      const received: Buffer[] = [];
      const decryptor = crypto().decryptor();
      decryptor.on('data', (chunk: Buffer) => received.push(chunk));
      await expect(pipeline(Readable.from([copy]), decryptor)).rejects.toThrow(
        RecordingIntegrityError,
      );
      const got = Buffer.concat(received);
      expect(got.length).toBe(5 * CHUNK);
      expect(got.equals(plaintext.subarray(0, 5 * CHUNK))).toBe(true);
    });
  });

  it('reads files sealed under a previous key-encryption key', async () => {
    const old = { id: 'kek-old', key: randomBytes(32) };
    const sealed = await run(new AesGcmRecordingCrypto(old).encryptor().stream, Buffer.from('x'));
    const rotated = new AesGcmRecordingCrypto({ id: KEY_ID, key: KEK }, [old]);
    expect((await run(rotated.decryptor(), sealed)).toString()).toBe('x');
  });

  it('streams large input without buffering it whole (64 KiB chunks)', async () => {
    const plaintext = randomBytes(3 * 1024 * 1024 + 5);
    const sealed = await run(crypto(64 * 1024).encryptor().stream, plaintext, 100_000);
    const opened = await run(crypto().decryptor(), sealed, 77_777);
    expect(createHash('sha256').update(opened).digest('hex')).toBe(
      createHash('sha256').update(plaintext).digest('hex'),
    );
  });

  describe('ranged reads (decryptFrom)', () => {
    const plaintext = randomBytes(7 * CHUNK + 300);
    let sealed: Buffer;
    let opened: number[];
    const open = async (offset: number) => {
      opened.push(offset);
      return Readable.from([sealed.subarray(offset)]);
    };
    const collect = async (stream: Readable) => {
      const parts: Buffer[] = [];
      for await (const chunk of stream) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    };
    beforeAll(async () => {
      sealed = await seal(plaintext);
    });
    beforeEach(() => {
      opened = [];
    });

    it.each([0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 5, 7 * CHUNK, 7 * CHUNK + 299])(
      'reads from plaintext byte %i, starting at the chunk that holds it',
      async (from) => {
        const got = await collect(await crypto().decryptFrom(open, from));
        expect(got.equals(plaintext.subarray(from))).toBe(true);
        const index = Math.floor(from / CHUNK);
        if (from > 0) {
          expect(opened).toEqual([0, headerLength(KEY_ID.length) + index * (CHUNK + 16)]);
        }
      },
    );

    it('still detects tampering and truncation in the chunks it reads', async () => {
      const copy = Buffer.from(sealed);
      const at = headerLength(KEY_ID.length) + 5 * (CHUNK + 16) + 1;
      copy[at] = (copy[at] ?? 0) ^ 1;
      const tampered = async (offset: number) => Readable.from([copy.subarray(offset)]);
      await expect(collect(await crypto().decryptFrom(tampered, 4 * CHUNK))).rejects.toThrow(
        RecordingIntegrityError,
      );
      const cut = sealed.subarray(0, headerLength(KEY_ID.length) + 6 * (CHUNK + 16));
      const truncated = async (offset: number) => Readable.from([cut.subarray(offset)]);
      await expect(collect(await crypto().decryptFrom(truncated, 4 * CHUNK))).rejects.toThrow(
        RecordingIntegrityError,
      );
    });
  });
});
