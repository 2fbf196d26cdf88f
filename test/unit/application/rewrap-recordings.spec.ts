import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CallCommands } from '../../../src/application/call/call-commands.js';
import { CommandRunner } from '../../../src/application/command-runner.js';
import { rewrapRecordings } from '../../../src/application/recording/rewrap-recordings/rewrap-recordings.js';
import { callStreamId } from '../../../src/domain/call/call.decider.js';
import type { CallEvent } from '../../../src/domain/call/call.events.js';
import { SYSTEM_ACTOR } from '../../../src/domain/shared/actor.js';
import {
  AesGcmRecordingCrypto,
  kekFingerprint,
} from '../../../src/infrastructure/crypto/aes-gcm-recording-crypto.adapter.js';
import { LocalRecordingStorage } from '../../../src/infrastructure/storage/local-recording-storage.adapter.js';
import { RandomIdGenerator } from '../../../src/infrastructure/system/random-id-generator.adapter.js';
import { InMemoryEventStore } from '../../support/in-memory-event-store.js';
import { ManualClock } from '../../support/manual-clock.js';
import { CALL_ID, at, recordingInProgress, recordingStopped } from '../call/call.fixtures.js';

const oldKek = { id: kekFingerprint(Buffer.alloc(32, 1)), key: Buffer.alloc(32, 1) };
const newKek = { id: kekFingerprint(Buffer.alloc(32, 2)), key: Buffer.alloc(32, 2) };

/** A call whose recording `rec-1` was uploaded sealed with the old key; `sha256` as recorded. */
async function setUp(recordedSha256: (media: Buffer) => string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-rewrap-'));
  const storage = new LocalRecordingStorage(dir);
  const store = new InMemoryEventStore();
  const media = randomBytes(100_000);
  const storageKey = `calls/${CALL_ID}/recordings/rec-1/first.vwrc`;
  const sealing = new AesGcmRecordingCrypto(oldKek).encryptor();
  await Promise.all([
    pipeline(Readable.from([media]), sealing.stream),
    storage.put(storageKey, sealing.stream),
  ]);
  const history: CallEvent[] = [
    ...recordingInProgress(),
    recordingStopped('stopped_by_user', at(400), 360, 'provider-1'),
    {
      type: 'RecordingUploaded',
      data: {
        recordingId: 'rec-1',
        sizeBytes: media.length,
        sha256: recordedSha256(media),
        storageKey,
        keyId: oldKek.id,
        contentType: 'video/webm',
        expiresAt: '2033-01-01T00:00:00.000Z',
        at: at(500),
      },
    },
  ];
  await store.appendToStream(
    callStreamId(CALL_ID),
    history.map((event) => ({
      eventId: randomUUID(),
      type: event.type,
      version: 1,
      data: event.data,
      metadata: {
        actor: SYSTEM_ACTOR,
        occurredAt: at(500),
        correlationId: randomUUID(),
        causationId: null,
      },
    })),
    { expectedRevision: 'no_stream' },
  );
  const calls = new CallCommands(
    new CommandRunner(store, new ManualClock(new Date(at(900))), new RandomIdGenerator(), {
      recordCommand: () => undefined,
    }),
  );
  const failures: unknown[] = [];
  const run = () =>
    rewrapRecordings({
      calls,
      storage,
      crypto: new AesGcmRecordingCrypto(newKek, [oldKek]),
      index: { sealedWithOtherKeys: async () => [{ callId: CALL_ID, recordingId: 'rec-1' }] },
      ids: new RandomIdGenerator(),
      context: { correlationId: randomUUID(), causationId: null },
      onFailure: (_ref, error) => failures.push(error),
    });
  const files = async () =>
    (await readdir(dir, { recursive: true })).map(String).filter((f) => f.endsWith('.vwrc'));
  return { dir, store, run, files, failures, storageKey };
}

describe('rewrapping recordings under the current key', () => {
  it('re-seals into a new object, records it, deletes the old one; a repeat changes nothing', async () => {
    const { dir, store, run, files, storageKey } = await setUp((media) =>
      createHash('sha256').update(media).digest('hex'),
    );
    try {
      expect(await run()).toEqual({ rewrapped: 1, unchanged: 0, keyUnavailable: 0, failed: 0 });
      const events = await store.readStream(callStreamId(CALL_ID));
      expect(events.at(-1)).toMatchObject({
        type: 'RecordingKeyRotated',
        data: { fromKeyId: oldKek.id, toKeyId: newKek.id, previousStorageKey: storageKey },
      });
      expect(await files()).toEqual([expect.not.stringContaining('first.vwrc')]);
      expect(await run()).toEqual({ rewrapped: 0, unchanged: 1, keyUnavailable: 0, failed: 0 });
      expect(await store.readStream(callStreamId(CALL_ID))).toHaveLength(events.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old object and records nothing when the plaintext does not match the ledger', async () => {
    const { dir, store, run, files, failures } = await setUp(() => 'f'.repeat(64));
    try {
      const before = (await store.readStream(callStreamId(CALL_ID))).length;
      expect(await run()).toEqual({ rewrapped: 0, unchanged: 0, keyUnavailable: 0, failed: 1 });
      expect(failures).toEqual([expect.objectContaining({ name: 'PlaintextMismatchError' })]);
      expect(await store.readStream(callStreamId(CALL_ID))).toHaveLength(before);
      expect(await files()).toEqual([expect.stringContaining('first.vwrc')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
