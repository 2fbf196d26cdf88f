import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  RecordingUploadClient,
  partOf,
  partRange,
  stoppedRecording,
} from '../support/recording-upload-client.js';
import { TestServer } from '../support/test-server.js';

const PART_BYTES = 64 * 1024;

/**
 * Fault campaign: a resumable upload cut at random points and resumed. Every part's first
 * attempt is dropped after a random number of bytes (some parts twice); the client asks what
 * arrived and sends only the rest. The stored recording's SHA-256 equals the source's, and so
 * does every byte streamed back.
 */
describe('faults: a recording upload cut at random points and resumed', () => {
  let api: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vw-faults-uploads-'));
    api = await TestServer.start(
      {
        RECORDINGS_DIR: dir,
        RECORDING_KEK: randomBytes(32).toString('hex'),
        RECORDING_UPLOAD_PART_BYTES: String(PART_BYTES),
      },
      { runTimers: false },
    );
  });
  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([1, 2, 3])('run %i: the stored SHA-256 equals the source', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const client = new RecordingUploadClient(api, callId, recordingId);
    const media = randomBytes(6 * PART_BYTES + randomInt(1, PART_BYTES));
    const { uploadId, partCount } = (await client.begin(media.length)).body;

    // The network fails at random byte offsets, part after part; some parts get through whole.
    let cutsMade = 0;
    const through: number[] = [];
    for (let part = 0; part < partCount; part++) {
      const body = partOf(media, part, PART_BYTES);
      const range = partRange(part, PART_BYTES, media.length);
      const cuts = randomInt(1, 3);
      for (let cut = 0; cut < cuts; cut++) {
        await client.cutPart(uploadId, part, body, range, randomInt(0, body.length));
        cutsMade += 1;
      }
      if (randomInt(0, 2) === 1) {
        expect((await client.putPart(uploadId, part, body, range)).status).toBe(200);
        through.push(part);
      }
    }
    // The client's view after the outage (a reload): which parts arrived? A cut one never counts.
    const afterCuts = await client.status(uploadId);
    expect(afterCuts.status).toBe(200);
    expect(afterCuts.body.receivedParts).toEqual(through);

    // Resume: only the missing parts, in a shuffled order, one of them twice.
    const missing = [...Array(partCount).keys()].filter((part) => !through.includes(part));
    const order = missing.sort(() => randomInt(0, 3) - 1);
    for (const part of order.length > 0 ? [...order, order[0] ?? 0] : []) {
      const sent = await client.putPart(
        uploadId,
        part,
        partOf(media, part, PART_BYTES),
        partRange(part, PART_BYTES, media.length),
      );
      expect(sent.status).toBe(200);
    }
    const done = await client.complete(uploadId);
    expect(done.status).toBe(200);

    const uploaded = (await api.ledgerEvents(`call-${callId}`)).find(
      (event) => event.type === 'RecordingUploaded',
    );
    const source = createHash('sha256').update(media).digest('hex');
    expect(uploaded?.data['sha256']).toBe(source);
    const download = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      { headers: { authorization: `Bearer ${await api.tokenFor('provider')}` } },
    );
    const back = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(back).digest('hex')).toBe(source);
    process.stdout.write(
      `upload of ${media.length} bytes in ${partCount} parts cut ${cutsMade} times at random ` +
        `offsets, ${missing.length} parts resumed: the stored SHA-256 equals the source's\n`,
    );
    // Nothing of the cut attempts or the parts is left beside the recording's object.
    const files = (await readdir(path.join(dir, 'calls', callId), { recursive: true }))
      .map(String)
      .filter((file) => /\.(vwrc|partial)$/.test(file));
    expect(files).toHaveLength(1);
    const leftovers = (await readdir(dir, { recursive: true }))
      .map(String)
      .filter((file) => file.startsWith('uploads') && /\.(vwrc|partial)$/.test(file));
    expect(leftovers).toEqual([]);
  });
});
