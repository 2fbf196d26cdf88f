import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
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
const MAX_BYTES = 1024 * 1024;

describe('resumable recording uploads', () => {
  let api: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vw-e2e-uploads-'));
    api = await TestServer.start(
      {
        RECORDINGS_DIR: dir,
        RECORDING_KEK: randomBytes(32).toString('hex'),
        RECORDING_MAX_BYTES: String(MAX_BYTES),
        RECORDING_UPLOAD_PART_BYTES: String(PART_BYTES),
      },
      { runTimers: false },
    );
    // Logins append events: log everyone in before counting.
    for (const user of ['provider', 'patient', 'provider2'] as const) await api.tokenFor(user);
  });
  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function storedFiles(): Promise<string[]> {
    return (await readdir(dir, { recursive: true }))
      .map(String)
      .filter((f) => /\.(vwrc|partial)$/.test(f));
  }

  it('takes parts in any order, repeated, and completes into one sealed recording', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const client = new RecordingUploadClient(api, callId, recordingId);
    const media = randomBytes(3 * PART_BYTES + 1234);
    const begun = await client.begin(media.length, 'video/webm');
    expect(begun.status).toBe(201);
    expect(begun.body).toMatchObject({
      sizeBytes: media.length,
      partBytes: PART_BYTES,
      partCount: 4,
      receivedParts: [],
      offset: 0,
    });
    const { uploadId } = begun.body;

    for (const part of [2, 0, 3, 0]) {
      const sent = await client.putPart(
        uploadId,
        part,
        partOf(media, part, PART_BYTES),
        partRange(part, PART_BYTES, media.length),
      );
      expect(sent.status).toBe(200);
    }
    const status = await client.status(uploadId);
    expect(status.body).toMatchObject({ receivedParts: [0, 2, 3], offset: PART_BYTES });

    // Parts at rest are sealed: no plaintext of the recording on disk.
    const partFiles = (await storedFiles()).filter((file) => file.startsWith('uploads'));
    expect(partFiles).toHaveLength(3);
    for (const file of partFiles) {
      const bytes = await readFile(path.join(dir, file));
      expect(bytes.subarray(0, 4).toString()).toBe('VWRC');
      expect(bytes.includes(media.subarray(2 * PART_BYTES + 100, 2 * PART_BYTES + 200))).toBe(
        false,
      );
    }

    const early = await client.complete(uploadId);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'RECORDING.UPLOAD_INCOMPLETE', missingParts: [1] });

    await client.putPart(
      uploadId,
      1,
      partOf(media, 1, PART_BYTES),
      partRange(1, PART_BYTES, media.length),
    );
    const done = await client.complete(uploadId);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id: recordingId,
      status: 'COMPLETED',
      media: { sizeBytes: media.length, contentType: 'video/webm' },
    });

    const uploaded = (await api.ledgerEvents(`call-${callId}`)).filter(
      (event) => event.type === 'RecordingUploaded',
    );
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]?.data['sha256']).toBe(createHash('sha256').update(media).digest('hex'));
    // The parts are gone; only the recording's own object is left.
    expect(await storedFiles()).toEqual([String(uploaded[0]?.data['storageKey'])]);

    const download = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      {
        headers: { authorization: `Bearer ${await api.tokenFor('patient')}` },
      },
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(media)).toBe(true);
    expect((await client.status(uploadId)).body).toMatchObject({
      code: 'RECORDING.UPLOAD_NOT_FOUND',
    });
  });

  it('refuses a second upload of the recording at once, appending nothing', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const client = new RecordingUploadClient(api, callId, recordingId);
    const first = await client.begin(100_000);
    expect(first.status).toBe(201);
    const before = await api.ledgerEventCount();

    const second = await client.begin(100_000);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'RECORDING.UPLOAD_IN_PROGRESS' });

    // A single-request upload is refused before its body is read: the answer comes while the
    // body is still open.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(randomBytes(1024));
        await held;
        controller.close();
      },
    });
    const started = Date.now();
    const single = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await api.tokenFor('provider')}`,
          'content-type': 'video/webm',
        },
        body,
        duplex: 'half',
      } as RequestInit,
    );
    release();
    expect(single.status).toBe(409);
    expect(await single.json()).toMatchObject({ code: 'RECORDING.UPLOAD_IN_PROGRESS' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await api.ledgerEventCount()).toBe(before);

    // Abandoning the first frees the recording.
    const aborted = await api.as(
      'provider',
      'DELETE',
      `${client.uploadsPath}/${first.body.uploadId}`,
    );
    expect(aborted.status).toBe(204);
    expect((await client.begin(100_000)).status).toBe(201);
  });

  it('completes once when the completion is sent twice at the same time', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const client = new RecordingUploadClient(api, callId, recordingId);
    const media = randomBytes(PART_BYTES + 77);
    const { uploadId } = (await client.begin(media.length)).body;
    for (const part of [0, 1]) {
      await client.putPart(
        uploadId,
        part,
        partOf(media, part, PART_BYTES),
        partRange(part, PART_BYTES, media.length),
      );
    }
    const answers = await Promise.all([client.complete(uploadId), client.complete(uploadId)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const uploaded = (await api.ledgerEvents(`call-${callId}`)).filter(
      (event) => event.type === 'RecordingUploaded',
    );
    expect(uploaded).toHaveLength(1);
    const download = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      { headers: { authorization: `Bearer ${await api.tokenFor('provider')}` } },
    );
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(media)).toBe(true);
  });

  it('refuses two racing single-request uploads but one, the other at once', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const media = randomBytes(200_000);
    const put = async () =>
      (
        await fetch(`${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${await api.tokenFor('provider')}`,
            'content-type': 'video/webm',
          },
          body: media,
        })
      ).status;
    const statuses = (await Promise.all([put(), put()])).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBe(409);
    const uploaded = (await api.ledgerEvents(`call-${callId}`)).filter(
      (e) => e.type === 'RecordingUploaded',
    );
    expect(uploaded).toHaveLength(1);
  });

  it('refuses bad parts with a stable code, keeping nothing of them and appending nothing', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const client = new RecordingUploadClient(api, callId, recordingId);
    const size = 2 * PART_BYTES + 10;
    const media = randomBytes(size);
    const { uploadId } = (await client.begin(size)).body;
    const before = await api.ledgerEventCount();
    const filesBefore = await storedFiles();
    const last = partOf(media, 2, PART_BYTES);

    const cases: Array<[number | string, Buffer, string | undefined, number, string]> = [
      [3, last, `bytes ${3 * PART_BYTES}-${size - 1}/${size}`, 400, 'RECORDING.PART_OUT_OF_RANGE'],
      [-1, last, partRange(0, PART_BYTES, size), 400, 'RECORDING.PART_OUT_OF_RANGE'],
      ['x', last, partRange(0, PART_BYTES, size), 400, 'RECORDING.PART_OUT_OF_RANGE'],
      [2, last, undefined, 400, 'RECORDING.CONTENT_RANGE_MISMATCH'],
      [2, last, `bytes 0-9/${size}`, 400, 'RECORDING.CONTENT_RANGE_MISMATCH'],
      [
        2,
        last,
        `bytes ${2 * PART_BYTES}-${size - 1}/${size + 1}`,
        400,
        'RECORDING.CONTENT_RANGE_MISMATCH',
      ],
      [
        2,
        last.subarray(0, 5),
        partRange(2, PART_BYTES, size),
        400,
        'RECORDING.CONTENT_RANGE_MISMATCH',
      ],
      [
        2,
        Buffer.concat([last, last]),
        partRange(2, PART_BYTES, size),
        413,
        'RECORDING.PART_TOO_LARGE',
      ],
    ];
    for (const [part, body, range, status, code] of cases) {
      const answer = await client.putPart(uploadId, part, body, range);
      expect({
        part,
        range,
        status: answer.status,
        code: (answer.body as unknown as { code: string }).code,
      }).toEqual({
        part,
        range,
        status,
        code,
      });
    }
    const tooBig = await client.begin(MAX_BYTES + 1);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'RECORDING.TOO_LARGE' });
    expect((await client.status(uploadId)).body).toMatchObject({ receivedParts: [] });
    expect(await storedFiles()).toEqual(filesBefore);
    expect(await api.ledgerEventCount()).toBe(before);

    // Someone else's upload is not found (and, as every 404 on a call's route, the refusal is
    // recorded as AccessDenied).
    const stranger = new RecordingUploadClient(api, callId, recordingId, 'provider2');
    const foreign = await stranger.putPart(uploadId, 2, last, partRange(2, PART_BYTES, size));
    expect(foreign.body).toMatchObject({ code: 'RECORDING.UPLOAD_NOT_FOUND' });
  });
});
