import { randomBytes } from 'node:crypto';
import { S3RecordingStorage } from '../../src/infrastructure/storage/s3-recording-storage.adapter.js';
import { startS3rver } from '../contract/recording-storage-s3rver.js';
import { TestServer } from '../support/test-server.js';
import { stoppedRecording } from '../support/recording-upload-client.js';

/** The whole media path with S3_* configured: upload, download, and the object in the bucket. */
describe('recordings stored in S3 (s3rver)', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let api: TestServer;

  beforeAll(async () => {
    s3 = await startS3rver('vw-recordings');
    api = await TestServer.start({
      RECORDING_KEK: randomBytes(32).toString('base64'),
      S3_BUCKET: 'vw-recordings',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
  });
  afterAll(async () => {
    await api.stop();
    await s3.stop();
  });

  it('uploads encrypted to the bucket and streams it back decrypted', async () => {
    const { callId, recordingId } = await stoppedRecording(api);
    const media = `/webrtc/calls/${callId}/recordings/${recordingId}/media`;

    const body = randomBytes(6 * 1024 * 1024 + 123);
    const uploaded = await fetch(`${api.server.url}${media}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await api.tokenFor('provider')}`,
        'content-type': 'video/webm',
      },
      body,
    });
    expect(uploaded.status).toBe(200);
    const { media: stored } = (await uploaded.json()) as { media: { storageKey: string } };

    const bucket = new S3RecordingStorage({
      bucket: 'vw-recordings',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      expect(await bucket.exists(stored.storageKey)).toBe(true);
      const sealed: Buffer[] = [];
      for await (const chunk of await bucket.get(stored.storageKey)) sealed.push(chunk as Buffer);
      expect(Buffer.concat(sealed).subarray(0, 4).toString()).toBe('VWRC');
    } finally {
      bucket.close();
    }

    const downloaded = await fetch(`${api.server.url}${media}`, {
      headers: { authorization: `Bearer ${await api.tokenFor('auditor')}` },
    });
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(body)).toBe(true);
  });
});
