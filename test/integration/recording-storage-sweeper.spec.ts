import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { RecordingStorage } from '../../src/application/ports/recording-storage.port.js';
import { startS3rver } from '../contract/recording-storage-s3rver.js';
import { ManualClock } from '../support/manual-clock.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { readWholeFeed } from '../support/read-whole-feed.js';
import {
  RecordingUploadClient,
  partOf,
  partRange,
  stoppedRecording,
} from '../support/recording-upload-client.js';
import { TestServer } from '../support/test-server.js';

const DELAY_SECONDS = 3600;
const PART_BYTES = 16 * 1024;

interface StorageUnderTest {
  readonly env: Record<string, string>;
  /** What a crash during a write of `key` leaves behind. */
  leaveUnfinishedWrite(key: string): Promise<void>;
  stop(): Promise<void>;
}

async function localStorage(): Promise<StorageUnderTest> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-sweep-'));
  return {
    env: { RECORDINGS_DIR: dir },
    leaveUnfinishedWrite: async (key) => {
      const target = path.join(dir, ...key.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(`${target}.${randomUUID()}.partial`, 'sealed bytes so far');
    },
    stop: () => rm(dir, { recursive: true, force: true }),
  };
}

async function s3Storage(): Promise<StorageUnderTest> {
  const s3 = await startS3rver('vw-sweep');
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    env: {
      S3_BUCKET: 'vw-sweep',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    leaveUnfinishedWrite: async (key) => {
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({ Bucket: 'vw-sweep', Key: key }),
      );
      await client.send(
        new UploadPartCommand({
          Bucket: 'vw-sweep',
          Key: key,
          UploadId,
          PartNumber: 1,
          Body: Buffer.from('sealed bytes so far'),
        }),
      );
    },
    stop: async () => {
      client.destroy();
      await s3.stop();
    },
  };
}

async function keys(storage: RecordingStorage): Promise<string[]> {
  const listed: string[] = [];
  for await (const object of storage.list('')) listed.push(object.key);
  return listed.sort();
}

async function unfinishedKeys(storage: RecordingStorage): Promise<string[]> {
  const listed: string[] = [];
  for await (const write of storage.unfinishedWrites()) listed.push(write.key);
  return listed.sort();
}

describe.each([
  ['local directory', localStorage],
  ['S3 (s3rver)', s3Storage],
])('recording storage sweeper: %s', (_name, makeStorage) => {
  let under: StorageUnderTest;
  let api: TestServer;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    under = await makeStorage();
    api = await TestServer.start(
      {
        ...under.env,
        RECORDING_KEK: randomBytes(32).toString('hex'),
        RECORDING_UPLOAD_PART_BYTES: String(PART_BYTES),
        RECORDING_SWEEP_DELAY_SECONDS: String(DELAY_SECONDS),
        RECORDING_UPLOAD_LEASE_SECONDS: '60',
      },
      { clock, runTimers: false },
    );
    await acceptAnyOccurredAt(api.database.connectionString);
  });
  afterAll(async () => {
    await api.stop();
    await under.stop();
  });

  it('removes, after the delay, what the ledger does not name, and records what it removed', async () => {
    const storage = api.server.runtime.recordings.storage;

    // A completed recording: named by its RecordingUploaded event, it stays.
    const completed = await stoppedRecording(api);
    const put = await fetch(
      `${api.server.url}/webrtc/calls/${completed.callId}/recordings/${completed.recordingId}/media`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await api.tokenFor('provider')}`,
          'content-type': 'video/webm',
        },
        body: randomBytes(10_000),
      },
    );
    expect(put.status).toBe(200);
    const { storageKey: kept } = ((await put.json()) as { media: { storageKey: string } }).media;

    // Stored, never recorded: a crash between storing and appending, for a known call and not.
    const orphan = `calls/${completed.callId}/recordings/${completed.recordingId}/${randomUUID()}.vwrc`;
    const strayOrphan = `calls/${randomUUID()}/recordings/${randomUUID()}/${randomUUID()}.vwrc`;
    for (const key of [orphan, strayOrphan]) {
      await storage.put(key, Readable.from([randomBytes(100)]));
    }
    // A write cut by a crash.
    const cut = `calls/${completed.callId}/recordings/${completed.recordingId}/${randomUUID()}.vwrc`;
    await under.leaveUnfinishedWrite(cut);
    // Something the sweeper does not own.
    await storage.put('exports/keep-me.vwrc', Readable.from([Buffer.from('x')]));

    // Two resumable uploads with a part each: one goes on, the other is abandoned.
    const sendFirstPart = async () => {
      const { callId, recordingId } = await stoppedRecording(api);
      const client = new RecordingUploadClient(api, callId, recordingId);
      const media = randomBytes(2 * PART_BYTES);
      const { uploadId } = (await client.begin(media.length)).body;
      const sent = await client.putPart(
        uploadId,
        0,
        partOf(media, 0, PART_BYTES),
        partRange(0, PART_BYTES, media.length),
      );
      expect(sent.status).toBe(200);
      return { client, uploadId };
    };
    const live = await sendFirstPart();
    const abandoned = await sendFirstPart();
    const partKeys = (await keys(storage)).filter((key) => key.startsWith('uploads/'));
    expect(partKeys).toHaveLength(2);
    const livePart = partKeys.find((key) => key.includes(live.uploadId));
    const abandonedPart = partKeys.find((key) => key.includes(abandoned.uploadId));

    const sweptEvents = async () =>
      readWholeFeed(api.server.runtime.eventStore, api.server.runtime.pool, ['storage-sweep-']);

    // Before the delay nothing is touched, and nothing is recorded.
    const early = await api.server.sweeper.sweep();
    expect(early).toEqual({ removedObjects: [], abortedWrites: [], abandonedUploads: [] });
    expect(await sweptEvents()).toEqual([]);

    clock.advanceSeconds(DELAY_SECONDS + 60);
    // While another instance sweeps (holds the sweep's advisory lock), this one skips its pass.
    const other = await api.server.runtime.pool.connect();
    try {
      await other.query("SELECT pg_advisory_lock(hashtext('recording-storage-sweep'))");
      expect(await api.server.sweeper.sweep()).toBeNull();
      await other.query("SELECT pg_advisory_unlock(hashtext('recording-storage-sweep'))");
    } finally {
      other.release();
    }
    expect(await sweptEvents()).toEqual([]);
    expect((await live.client.status(live.uploadId)).status).toBe(200);
    const before = await keys(storage);
    const report = await api.server.sweeper.sweep();
    if (report === null) throw new Error('the sweep did not run');

    expect(report.abandonedUploads).toEqual([abandoned.uploadId]);
    expect(report.removedObjects.map((object) => object.key).sort()).toEqual(
      [orphan, strayOrphan, abandonedPart].sort(),
    );
    expect(report.abortedWrites.map((write) => write.key)).toEqual([cut]);
    expect(await keys(storage)).toEqual(
      before.filter((key) => ![orphan, strayOrphan, abandonedPart].includes(key)),
    );
    expect(await keys(storage)).toEqual(
      expect.arrayContaining([kept, 'exports/keep-me.vwrc', livePart]),
    );
    expect(await unfinishedKeys(storage)).toEqual([]);
    expect((await abandoned.client.status(abandoned.uploadId)).status).toBe(404);
    expect((await live.client.status(live.uploadId)).body).toMatchObject({ receivedParts: [0] });

    const [swept, ...more] = await sweptEvents();
    expect(more).toEqual([]);
    expect(swept).toMatchObject({
      type: 'RecordingStorageSwept',
      metadata: { actor: { userId: 'system', role: 'system' } },
      data: {
        at: clock.now().toISOString(),
        abandonedUploads: [abandoned.uploadId],
        abortedWrites: [expect.objectContaining({ key: cut })],
      },
    });
    const removed = (swept?.data['removedObjects'] as Array<{ key: string }>).map((o) => o.key);
    expect(removed.sort()).toEqual([orphan, strayOrphan, abandonedPart].sort());

    // A second pass finds nothing more to do.
    expect(await api.server.sweeper.sweep()).toEqual({
      removedObjects: [],
      abortedWrites: [],
      abandonedUploads: [],
    });
    expect(await sweptEvents()).toHaveLength(1);
  });
});
