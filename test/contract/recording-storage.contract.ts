import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  RecordingObjectNotFoundError,
  type RecordingStorage,
} from '../../src/application/ports/recording-storage.port.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** A body that yields some bytes and then fails, like a client that drops mid-upload. */
function failingBody(bytes: number): Readable {
  return Readable.from(
    (async function* () {
      yield randomBytes(bytes);
      throw new Error('client went away');
    })(),
  );
}

let counter = 0;
const uniqueKey = () => `contract/${process.pid}-${Date.now()}-${counter++}/recording.vwrc`;

/** One contract for every RecordingStorage adapter. */
export function recordingStorageContract(
  name: string,
  setup: () => Promise<{
    storage: RecordingStorage;
    teardown: () => Promise<void>;
    /** Begins a write of `key` the way the adapter does, and leaves it unfinished (a crash). */
    leaveUnfinishedWrite: (key: string) => Promise<void>;
  }>,
  options: { largeBytes: number },
): void {
  describe(`RecordingStorage contract: ${name}`, () => {
    let storage: RecordingStorage;
    let teardown: () => Promise<void>;
    let leaveUnfinishedWrite: (key: string) => Promise<void>;

    beforeAll(async () => {
      ({ storage, teardown, leaveUnfinishedWrite } = await setup());
    });
    afterAll(async () => {
      await teardown();
    });

    it('stores a stream and gives the same bytes back', async () => {
      const key = uniqueKey();
      const body = randomBytes(100_000);
      const { sizeBytes } = await storage.put(key, Readable.from([body]));
      expect(sizeBytes).toBe(body.length);
      expect(await storage.exists(key)).toBe(true);
      expect((await readAll(await storage.get(key))).equals(body)).toBe(true);
    });

    it('reads from an offset to the end', async () => {
      const key = uniqueKey();
      const body = randomBytes(50_000);
      await storage.put(key, Readable.from([body]));
      const tail = await readAll(await storage.get(key, { start: 12_345 }));
      expect(tail.equals(body.subarray(12_345))).toBe(true);
    });

    it('stores an empty object', async () => {
      const key = uniqueKey();
      expect(await storage.put(key, Readable.from([Buffer.alloc(0)]))).toEqual({ sizeBytes: 0 });
      expect((await readAll(await storage.get(key))).length).toBe(0);
    });

    it('streams a body larger than one multipart part', async () => {
      const key = uniqueKey();
      const piece = randomBytes(1024 * 1024);
      const pieces = Math.ceil(options.largeBytes / piece.length);
      const body = Readable.from(
        (function* () {
          for (let index = 0; index < pieces; index++) yield piece;
        })(),
      );
      expect(await storage.put(key, body)).toEqual({ sizeBytes: pieces * piece.length });
      const back = await readAll(await storage.get(key));
      expect(back.length).toBe(pieces * piece.length);
      expect(back.subarray(back.length - piece.length).equals(piece)).toBe(true);
    });

    it('leaves nothing behind when the body fails', async () => {
      const key = uniqueKey();
      await expect(storage.put(key, failingBody(64 * 1024))).rejects.toThrow();
      expect(await storage.exists(key)).toBe(false);
      await expect(storage.get(key)).rejects.toBeInstanceOf(RecordingObjectNotFoundError);
    });

    it('reports a missing object', async () => {
      const key = uniqueKey();
      expect(await storage.exists(key)).toBe(false);
      await expect(storage.get(key)).rejects.toBeInstanceOf(RecordingObjectNotFoundError);
    });

    it('deletes, and deleting again is fine', async () => {
      const key = uniqueKey();
      await storage.put(key, Readable.from([Buffer.from('bytes')]));
      await storage.delete(key);
      expect(await storage.exists(key)).toBe(false);
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });

    it('lists the objects under a prefix, with their size and time', async () => {
      const prefix = `listing/${process.pid}-${Date.now()}/`;
      const before = new Date(Date.now() - 5_000);
      await storage.put(`${prefix}a.vwrc`, Readable.from([randomBytes(10)]));
      await storage.put(`${prefix}b/c.vwrc`, Readable.from([randomBytes(20)]));
      await storage.put(`other/${process.pid}-${Date.now()}.vwrc`, Readable.from([randomBytes(1)]));
      const listed = [];
      for await (const object of storage.list(prefix)) listed.push(object);
      expect(
        listed
          .map(({ key, sizeBytes }) => ({ key, sizeBytes }))
          .sort((x, y) => x.key.localeCompare(y.key)),
      ).toEqual([
        { key: `${prefix}a.vwrc`, sizeBytes: 10 },
        { key: `${prefix}b/c.vwrc`, sizeBytes: 20 },
      ]);
      for (const object of listed)
        expect(object.modifiedAt.getTime()).toBeGreaterThan(before.getTime());
    });

    it('lists an unfinished write apart from the objects, and aborts it', async () => {
      const key = uniqueKey();
      await leaveUnfinishedWrite(key);
      const unfinished = async () => {
        const writes = [];
        for await (const write of storage.unfinishedWrites())
          if (write.key === key) writes.push(write);
        return writes;
      };
      const [write, ...more] = await unfinished();
      expect(more).toEqual([]);
      expect(write?.startedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
      const keys = [];
      for await (const object of storage.list('')) keys.push(object.key);
      expect(keys.some((listed) => listed.startsWith(key))).toBe(false);
      expect(await storage.exists(key)).toBe(false);

      if (write) await storage.abortUnfinishedWrite(write);
      expect(await unfinished()).toEqual([]);
      if (write) await expect(storage.abortUnfinishedWrite(write)).resolves.toBeUndefined();
    });

    it('refuses keys that could leave its root', async () => {
      for (const key of ['../escape', '/absolute', 'a/../../b', 'UPPER', '']) {
        await expect(storage.put(key, Readable.from([Buffer.from('x')]))).rejects.toThrow(
          /Invalid storage key/,
        );
      }
    });
  });
}
