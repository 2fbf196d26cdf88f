import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../support/manual-clock.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { TestServer, type DemoUser } from '../support/test-server.js';

const KEK = randomBytes(32).toString('hex');
const MAX_BYTES = 512 * 1024;

describe('recording media: upload, download, retention', () => {
  let api: TestServer;
  let dir: string;
  const clock = new ManualClock(new Date('2026-05-04T09:00:00.000Z'));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vw-e2e-recordings-'));
    api = await TestServer.start(
      {
        RECORDINGS_DIR: dir,
        RECORDING_KEK: KEK,
        RECORDING_MAX_BYTES: String(MAX_BYTES),
        RECORDING_RETENTION_DAYS: '30',
        RECORDING_UPLOAD_TIMEOUT_SECONDS: '600',
      },
      { clock, runTimers: false },
    );
    // The manual clock's days (and the 31 it moves on) are not the database's.
    await acceptAnyOccurredAt(api.database.connectionString);
  });
  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function stoppedRecording(): Promise<{ callId: string; recordingId: string }> {
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: '00000000-0000-4000-8000-000000000003', type: 'VIDEO' },
    });
    const callId = call.body.id;
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    for (const user of ['provider', 'patient'] as const) {
      await api.as(user, 'POST', `/webrtc/calls/${callId}/consent`, { body: { consented: true } });
    }
    const started = await api.as<{ id: string }>(
      'provider',
      'POST',
      `/webrtc/calls/${callId}/record`,
    );
    expect(started.status).toBe(201);
    const recordingId = started.body.id;
    const early = await upload('provider', callId, recordingId, Buffer.from('too soon'));
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'RECORDING.NOT_STOPPED' });
    const stop = await api.as(
      'provider',
      'POST',
      `/webrtc/calls/${callId}/recordings/${recordingId}/stop`,
    );
    expect(stop.status).toBe(200);
    return { callId, recordingId };
  }

  async function upload(
    user: DemoUser,
    callId: string,
    recordingId: string,
    body: Buffer,
    contentType = 'video/webm;codecs=vp8,opus',
  ) {
    const response = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await api.tokenFor(user)}`,
          'content-type': contentType,
        },
        body,
      },
    );
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : null) as Record<string, unknown>,
    };
  }

  async function download(user: DemoUser, callId: string, recordingId: string, range?: string) {
    return fetch(`${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`, {
      headers: {
        authorization: `Bearer ${await api.tokenFor(user)}`,
        ...(range ? { range } : {}),
      },
    });
  }

  async function sealedFiles(): Promise<string[]> {
    const files = await readdir(dir, { recursive: true });
    return files.map(String).filter((file) => file.endsWith('.vwrc') || file.endsWith('.partial'));
  }

  /** The timer projection schedules asynchronously: fire until something fired. */
  /** Timers are scheduled from the ledger asynchronously: fire until `done` holds. */
  async function fireTimersUntil(done: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 100 && !(await done()); attempt++) {
      await api.server.timers.fireDue();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('uploads once (provider only), encrypted at rest, and streams it back to those allowed', async () => {
    const { callId, recordingId } = await stoppedRecording();
    const media = randomBytes(200 * 1024);

    expect((await upload('patient', callId, recordingId, media)).body).toMatchObject({
      code: 'RECORDING.PROVIDER_ONLY',
    });
    expect((await upload('provider2', callId, recordingId, media)).status).toBe(404);
    const wrongType = await upload('provider', callId, recordingId, media, 'text/plain');
    expect(wrongType.status).toBe(415);

    const stored = await upload('provider', callId, recordingId, media);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      id: recordingId,
      status: 'COMPLETED',
      media: {
        sizeBytes: media.length,
        contentType: 'video/webm',
        expiresAt: '2026-06-03T09:00:00.000Z',
      },
    });
    const again = await upload('provider', callId, recordingId, media);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'RECORDING.ALREADY_UPLOADED' });

    const events = await api.ledgerEvents(`call-${callId}`);
    const uploaded = events.filter((event) => event.type === 'RecordingUploaded');
    expect(uploaded).toHaveLength(1);
    const data = uploaded[0]?.data ?? {};
    expect(data).toMatchObject({ recordingId, sizeBytes: media.length, contentType: 'video/webm' });
    expect(data['keyId']).toMatch(/^kek-[0-9a-f]{16}$/);
    const onDisk = await readFile(path.join(dir, String(data['storageKey'])));
    expect(onDisk.subarray(0, 4).toString()).toBe('VWRC');
    expect(onDisk.includes(media.subarray(1000, 1100))).toBe(false);

    for (const user of ['provider', 'patient', 'auditor', 'admin'] as const) {
      const response = await download(user, callId, recordingId);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('video/webm');
      expect(Buffer.from(await response.arrayBuffer()).equals(media)).toBe(true);
    }
    const ranged = await download('patient', callId, recordingId, 'bytes=70000-70009');
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 70000-70009/${media.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(media.subarray(70000, 70010))).toBe(true);
    expect((await download('patient', callId, recordingId, 'bytes=999999-')).status).toBe(416);
    expect((await download('analyst', callId, recordingId)).status).toBe(403);
    expect((await download('provider2', callId, recordingId)).status).toBe(404);

    const access = await api.ledgerEvents(`access-${callId}`);
    const downloads = access.filter((event) => event.type === 'RecordingDownloaded');
    expect(downloads.map((event) => event.data['range'])).toEqual([
      null,
      null,
      null,
      null,
      'bytes=70000-70009',
    ]);
    // Each download shows in the auditors' log, with who and from where.
    const lastDownload = (await api.server.runtime.eventStore.readStream(`access-${callId}`)).at(
      -1,
    );
    const log = await api.as<{
      entries: Array<{ action: string; actorRole: string; recordingId: string; origin: unknown }>;
    }>(
      'auditor',
      'GET',
      `/audit/events?callId=${callId}&action=RecordingDownloaded&limit=100&minPosition=${lastDownload?.position ?? '0'}`,
    );
    expect(log.body.entries.map((entry) => entry.actorRole)).toEqual([
      'provider',
      'patient',
      'auditor',
      'admin',
      'patient',
    ]);
    expect(log.body.entries[0]).toMatchObject({
      recordingId,
      origin: expect.objectContaining({ ip: expect.any(String) }),
    });
  });

  it('refuses an upload over RECORDING_MAX_BYTES, leaving no file and no event', async () => {
    const { callId, recordingId } = await stoppedRecording();
    const before = await api.ledgerEventCount();
    const filesBefore = await sealedFiles();
    const tooBig = await upload('provider', callId, recordingId, randomBytes(MAX_BYTES + 1));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'RECORDING.TOO_LARGE' });
    expect(await api.ledgerEventCount()).toBe(before);
    expect(await sealedFiles()).toEqual(filesBefore);
  });

  it('refuses a streamed (chunked) upload that grows past the limit', async () => {
    const { callId, recordingId } = await stoppedRecording();
    const before = await api.ledgerEventCount();
    const filesBefore = await sealedFiles();
    const piece = randomBytes(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 2 * MAX_BYTES) return controller.close();
        sent += piece.length;
        controller.enqueue(piece);
      },
    });
    const response = await fetch(
      `${api.server.url}/webrtc/calls/${callId}/recordings/${recordingId}/media`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await api.tokenFor('provider')}`,
          'content-type': 'audio/ogg',
        },
        body,
        duplex: 'half',
      } as RequestInit,
    ).catch(() => null);
    if (response) expect(response.status).toBe(413);
    expect(await api.ledgerEventCount()).toBe(before);
    expect(await sealedFiles()).toEqual(filesBefore);
  });

  it('fails a tampered file with an integrity error and never returns altered bytes', async () => {
    const { callId, recordingId } = await stoppedRecording();
    const media = randomBytes(300 * 1024);
    const stored = await upload('provider', callId, recordingId, media);
    const file = path.join(
      dir,
      String((stored.body['media'] as { storageKey: string }).storageKey),
    );
    const original = await readFile(file);

    const early = Buffer.from(original);
    early[200] = (early[200] ?? 0) ^ 1;
    await writeFile(file, early);
    const refused = await download('provider', callId, recordingId);
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ code: 'RECORDING.INTEGRITY_FAILED' });

    const late = Buffer.from(original);
    late[late.length - 100] = (late[late.length - 100] ?? 0) ^ 1;
    await writeFile(file, late);
    const cut = await download('provider', callId, recordingId);
    expect(cut.status).toBe(200);
    await expect(cut.arrayBuffer()).rejects.toThrow();

    await writeFile(file, original.subarray(0, original.length - 65552));
    const truncated = await download('provider', callId, recordingId);
    await expect(truncated.arrayBuffer()).rejects.toThrow();
  });

  it('fails a recording that got no upload in time, and purges expired ones unless held', async () => {
    const lost = await stoppedRecording();
    const kept = await stoppedRecording();
    const purged = await stoppedRecording();
    for (const { callId, recordingId } of [kept, purged]) {
      expect((await upload('provider', callId, recordingId, randomBytes(1000))).status).toBe(200);
    }
    const hold = await api.as(
      'admin',
      'POST',
      `/webrtc/calls/${kept.callId}/recordings/${kept.recordingId}/legal-hold`,
    );
    expect(hold.status).toBe(200);
    expect(hold.body).toMatchObject({ legalHold: true });
    expect(
      (
        await api.as(
          'provider',
          'POST',
          `/webrtc/calls/${kept.callId}/recordings/${kept.recordingId}/legal-hold`,
        )
      ).status,
    ).toBe(403);

    clock.advanceSeconds(601);
    await fireTimersUntil(async () =>
      (await api.ledgerEvents(`call-${lost.callId}`)).some((e) => e.type === 'RecordingFailed'),
    );
    const lostTypes = (await api.ledgerEvents(`call-${lost.callId}`)).map((event) => event.type);
    expect(lostTypes.at(-1)).toBe('RecordingFailed');

    clock.advanceSeconds(31 * 86400);
    await fireTimersUntil(async () =>
      (await api.ledgerEvents(`call-${purged.callId}`)).some((e) => e.type === 'RecordingPurged'),
    );
    const purgedEvents = await api.ledgerEvents(`call-${purged.callId}`);
    expect(purgedEvents.at(-1)).toMatchObject({
      type: 'RecordingPurged',
      data: { recordingId: purged.recordingId },
    });
    expect((await download('provider', purged.callId, purged.recordingId)).status).toBe(409);
    const keptTypes = (await api.ledgerEvents(`call-${kept.callId}`)).map((event) => event.type);
    expect(keptTypes).not.toContain('RecordingPurged');
    expect((await download('provider', kept.callId, kept.recordingId)).status).toBe(200);

    const release = await api.as(
      'admin',
      'DELETE',
      `/webrtc/calls/${kept.callId}/recordings/${kept.recordingId}/legal-hold`,
    );
    expect(release.status).toBe(200);
    await fireTimersUntil(async () =>
      (await api.ledgerEvents(`call-${kept.callId}`)).some((e) => e.type === 'RecordingPurged'),
    );
    const released = await api.ledgerEvents(`call-${kept.callId}`);
    expect(released.at(-1)?.type).toBe('RecordingPurged');
    const remaining = await sealedFiles();
    expect(remaining.some((file) => file.includes(kept.recordingId))).toBe(false);
    expect(remaining.some((file) => file.includes(purged.recordingId))).toBe(false);
  });
});
