import pg from 'pg';
import { openCheckpoint } from '../../src/application/ledger/ledger-checkpoint.js';
import { startS3rver } from '../contract/recording-storage-s3rver.js';
import { DEMO, TestServer } from '../support/test-server.js';

/** A server with CHECKPOINT_S3_BUCKET: its signed checkpoints land in the bucket as well. */
describe('checkpoints archived in S3 (s3rver)', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let api: TestServer;

  beforeAll(async () => {
    s3 = await startS3rver('vw-ledger');
    api = await TestServer.start({
      LEDGER_CHECKPOINT_INTERVAL_MS: '100',
      CHECKPOINT_S3_BUCKET: 'vw-ledger',
      CHECKPOINT_S3_PREFIX: 'checkpoints',
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
  });
  afterAll(async () => {
    await api?.stop();
    await s3?.stop();
  });

  it('puts every committed checkpoint in the bucket, the newest one findable', async () => {
    await api.as('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'AUDIO' },
    });
    const events = await api.ledgerEventCount();
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    let rows: Array<{ tree_size: string; note: string }>;
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        ({ rows } = await client.query<{ tree_size: string; note: string }>(
          'SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size',
        ));
        if (Number(rows.at(-1)?.tree_size ?? 0) >= events) break;
        if (Date.now() > deadline) throw new Error('no checkpoint in time');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await client.end();
    }
    const { archive, publisher, publicKey } = api.server.runtime.ledgerTree;
    await publisher.idle();
    expect(archive.location).toBe('s3://vw-ledger/checkpoints/');
    for (const row of rows) expect(await archive.at(Number(row.tree_size))).toBe(row.note);
    const newest = rows.at(-1);
    expect(await archive.latest()).toEqual({
      treeSize: Number(newest?.tree_size),
      note: newest?.note,
    });
    expect(openCheckpoint(newest?.note ?? '', publicKey.verifierKey).treeSize).toBe(events);
  });
});
