import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { kekFingerprint } from '../../src/infrastructure/crypto/aes-gcm-recording-crypto.adapter.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TestServer } from '../support/test-server.js';
import { buildOnce } from '../support/build-once.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/interfaces/cli/ledger.js');

/**
 * Recording keys across restarts and rotations: each server below is a new process's worth of
 * state (its own crypto, storage and runners) on one database and one recordings directory.
 */
describe('recording keys that survive restarts and rotations', () => {
  let database: TestDatabase;
  let dataDir: string;
  let recordingsDir: string;
  let keyFile: string;
  const media = randomBytes(150 * 1024);
  const newKek = randomBytes(32);
  let callId: string;
  let recordingId: string;
  let oldKek: Buffer;

  beforeAll(async () => {
    // The CLI runs as a child process from the build.
    await buildOnce();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'vw-e2e-keys-'));
    recordingsDir = path.join(dataDir, 'recordings');
    keyFile = path.join(dataDir, 'recording-kek.local');
  }, 120_000);
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The CLI beside `api`: the same database, signing key and recordings, with `env` on top. */
  function cliEnv(api: TestServer, env: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.serviceConnectionString,
      DATABASE_OWNER_URL: database.ownerConnectionString,
      LEDGER_SIGNING_KEY_FILE: path.join(api.dataDir, 'ledger-signing.key'),
      RECORDINGS_DIR: recordingsDir,
      ...env,
    };
  }

  /** A server of its own on the shared database and recordings directory. */
  async function withServer<T>(
    env: Record<string, string>,
    work: (api: TestServer) => Promise<T>,
  ): Promise<T> {
    const api = await TestServer.start({ RECORDINGS_DIR: recordingsDir, ...env }, { database });
    try {
      return await work(api);
    } finally {
      await api.stop();
    }
  }

  async function uploadRecording(
    api: TestServer,
  ): Promise<{ callId: string; recordingId: string }> {
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: '00000000-0000-4000-8000-000000000003', type: 'VIDEO' },
    });
    const id = call.body.id;
    await api.as('patient', 'POST', `/webrtc/calls/${id}/answer`);
    for (const user of ['provider', 'patient'] as const) {
      await api.as(user, 'POST', `/webrtc/calls/${id}/consent`, { body: { consented: true } });
    }
    const started = await api.as<{ id: string }>('provider', 'POST', `/webrtc/calls/${id}/record`);
    const recording = started.body.id;
    await api.as('provider', 'POST', `/webrtc/calls/${id}/recordings/${recording}/stop`);
    const response = await fetch(
      `${api.server.url}/webrtc/calls/${id}/recordings/${recording}/media`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await api.tokenFor('provider')}`,
          'content-type': 'video/webm',
        },
        body: media,
      },
    );
    expect(response.status).toBe(200);
    return { callId: id, recordingId: recording };
  }

  async function download(api: TestServer): Promise<{ status: number; body: Buffer }> {
    const response = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      { headers: { authorization: `Bearer ${await api.tokenFor('auditor')}` } },
    );
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  }

  async function sealedFiles(): Promise<string[]> {
    const files = await readdir(recordingsDir, { recursive: true });
    return files.map(String).filter((file) => file.endsWith('.vwrc'));
  }

  it('generates the development key once (0600) and reads older recordings after a restart', async () => {
    ({ callId, recordingId } = await withServer({ RECORDING_KEK_FILE: keyFile }, uploadRecording));
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const written = await readFile(keyFile, 'utf8');
    oldKek = Buffer.from(written.trim(), 'hex');
    expect(oldKek).toHaveLength(32);

    const after = await withServer({ RECORDING_KEK_FILE: keyFile }, download);
    expect(after.status).toBe(200);
    expect(after.body.equals(media)).toBe(true);
    expect(await readFile(keyFile, 'utf8')).toBe(written);
  });

  it('refuses to start on a key file others may read', async () => {
    const loose = path.join(dataDir, 'loose.kek');
    await writeFile(loose, `${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
    await expect(
      TestServer.start({ RECORDINGS_DIR: recordingsDir, RECORDING_KEK_FILE: loose }, { database }),
    ).rejects.toThrow(/RECORDING_KEK_FILE.*chmod 600/);
  });

  it('reads a recording sealed with the previous key after RECORDING_KEK is rotated', async () => {
    const rotated = await withServer(
      { RECORDING_KEK: newKek.toString('hex'), RECORDING_KEK_PREVIOUS: oldKek.toString('base64') },
      download,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.equals(media)).toBe(true);
  });

  it('refuses a recording whose key is not configured with RECORDING.KEY_UNAVAILABLE, recording nothing', async () => {
    await withServer({ RECORDING_KEK: newKek.toString('hex') }, async (api) => {
      // Logging in is recorded: the auditor logs in before the ledger is counted.
      const token = await api.tokenFor('auditor');
      const before = await api.ledgerEventCount();
      const response = await fetch(
        `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({
        code: 'RECORDING.KEY_UNAVAILABLE',
        keyId: kekFingerprint(oldKek),
      });
      expect(await api.ledgerEventCount()).toBe(before);
    });
  });

  it('`ledger rewrap-recordings` (the built CLI) moves the recording to the new key, in the ledger too, once', async () => {
    const env = {
      RECORDING_KEK: newKek.toString('hex'),
      RECORDING_KEK_PREVIOUS: `${randomBytes(32).toString('hex')},${oldKek.toString('hex')}`,
    };
    const [oldObject] = await sealedFiles();
    await withServer(env, async (api) => {
      const { runtime } = api.server;
      const rewrap = async (): Promise<Record<string, unknown>> => {
        const { stdout } = await run('node', [CLI, 'rewrap-recordings'], {
          env: cliEnv(api, env),
        });
        return JSON.parse(stdout) as Record<string, unknown>;
      };
      expect(await rewrap()).toEqual({
        toKeyId: kekFingerprint(newKek),
        rewrapped: 1,
        unchanged: 0,
        keyUnavailable: 0,
        failed: 0,
      });

      const events = await api.ledgerEvents(`call-${callId}`);
      const rotations = events.filter((event) => event.type === 'RecordingKeyRotated');
      expect(rotations).toHaveLength(1);
      expect(rotations[0]?.data).toMatchObject({
        recordingId,
        fromKeyId: kekFingerprint(oldKek),
        toKeyId: kekFingerprint(newKek),
      });
      const files = await sealedFiles();
      expect(files).toHaveLength(1);
      expect(files[0]).not.toBe(oldObject);
      expect(path.join(recordingsDir, files[0] ?? '')).toBe(
        path.join(recordingsDir, String(rotations[0]?.data['storageKey'])),
      );

      // The read model follows: the recording is listed under the new key.
      for (let attempt = 0; attempt < 100; attempt++) {
        const row = await runtime
          .knex('call_recordings')
          .where('id', recordingId)
          .first<{ key_id: string }>('key_id');
        if (row?.key_id === kekFingerprint(newKek)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const row = await runtime
        .knex('call_recordings')
        .where('id', recordingId)
        .first<{ key_id: string; storage_key: string }>('key_id', 'storage_key');
      expect(row).toEqual({
        key_id: kekFingerprint(newKek),
        storage_key: rotations[0]?.data['storageKey'],
      });

      const before = await api.ledgerEventCount();
      expect(await rewrap()).toMatchObject({ rewrapped: 0, keyUnavailable: 0, failed: 0 });
      expect(await api.ledgerEventCount()).toBe(before);
    });

    const only = await withServer({ RECORDING_KEK: newKek.toString('hex') }, download);
    expect(only.status).toBe(200);
    expect(only.body.equals(media)).toBe(true);
  });

  it('`ledger rewrap-recordings` leaves a recording whose key is configured nowhere and exits 1', async () => {
    await withServer({ RECORDING_KEK: newKek.toString('hex') }, async (api) => {
      const before = await api.ledgerEventCount();
      const other = randomBytes(32).toString('hex');
      const outcome = await run('node', [CLI, 'rewrap-recordings'], {
        env: cliEnv(api, { RECORDING_KEK: other }),
      }).then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => error,
      );
      expect(outcome.code).toBe(1);
      expect(JSON.parse(outcome.stdout)).toMatchObject({
        rewrapped: 0,
        keyUnavailable: 1,
        failed: 0,
      });
      expect(await api.ledgerEventCount()).toBe(before);
      expect(await sealedFiles()).toHaveLength(1);
    });
  });
});
