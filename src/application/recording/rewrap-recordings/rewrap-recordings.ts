import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { recordingOf } from '../../../domain/call/call.state.js';
import { SYSTEM_ACTOR } from '../../../domain/shared/actor.js';
import type { CallCommands } from '../../call/call-commands.js';
import type { IdGenerator } from '../../ports/id-generator.port.js';
import type { RecordingCrypto } from '../../ports/recording-crypto.port.js';
import type { RecordingStorage } from '../../ports/recording-storage.port.js';
import type {
  SealedRecordingIndex,
  SealedRecordingRef,
} from '../../ports/sealed-recording-index.port.js';
import type { RequestContext } from '../../request-context.js';
import { sha256Tap } from '../byte-streams.js';

export interface RewrapRecordingsDependencies {
  readonly calls: CallCommands;
  readonly storage: RecordingStorage;
  readonly crypto: RecordingCrypto;
  readonly index: SealedRecordingIndex;
  readonly ids: IdGenerator;
  readonly context: RequestContext;
  /** Told of each recording that failed, with why; the run goes on with the next one. */
  readonly onFailure?: (ref: SealedRecordingRef, error: unknown) => void;
}

export interface RewrapReport {
  /** Re-sealed under the current key and recorded as RecordingKeyRotated. */
  rewrapped: number;
  /** Listed by the read model (which may lag) but already under the current key, or purged. */
  unchanged: number;
  /** Sealed with a key that is not configured: left as they are. */
  keyUnavailable: number;
  /** Failed (storage, integrity, a concurrent change): left as they are, retried by a new run. */
  failed: number;
}

/** The plaintext read back did not hash to what the ledger recorded at upload. */
class PlaintextMismatchError extends Error {
  constructor() {
    super('The re-sealed plaintext does not match the recorded SHA-256');
    this.name = 'PlaintextMismatchError';
  }
}

const PAGE = 100;

/**
 * Moves every stored recording sealed with an older KEK to the current one. A sealed file binds
 * its header (key id and wrapped data key) into every chunk's authentication, so the file is
 * re-sealed whole, streaming: old object -> decrypt -> (SHA-256 checked against the ledger) ->
 * encrypt -> a new object. RecordingKeyRotated then points the ledger at the new object, and only
 * after that is the old one deleted. A run that is interrupted leaves every recording readable;
 * running again appends nothing for a recording already under the current key.
 */
export async function rewrapRecordings(
  deps: RewrapRecordingsDependencies,
  onProgress: (report: Readonly<RewrapReport>) => void = () => undefined,
): Promise<RewrapReport> {
  const report: RewrapReport = { rewrapped: 0, unchanged: 0, keyUnavailable: 0, failed: 0 };
  const toKeyId = deps.crypto.currentKeyId;
  let after: SealedRecordingRef | null = null;
  for (;;) {
    const page = await deps.index.sealedWithOtherKeys(toKeyId, after, PAGE);
    for (const ref of page) {
      report[await rewrapOne(deps, ref)] += 1;
      onProgress(report);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) return report;
    after = last;
  }
}

async function rewrapOne(
  deps: RewrapRecordingsDependencies,
  { callId, recordingId }: SealedRecordingRef,
): Promise<keyof RewrapReport> {
  const { calls, storage, crypto, ids, context } = deps;
  const { state } = await calls.load(callId);
  const recording = state.status === 'NONE' ? undefined : recordingOf(state, recordingId);
  if (recording?.status !== 'COMPLETED' || recording.media === null) return 'unchanged';
  const { media } = recording;
  if (media.keyId === crypto.currentKeyId) return 'unchanged';
  if (!crypto.canOpen(media.keyId)) return 'keyUnavailable';
  const storageKey = `calls/${callId}/recordings/${recordingId}/${ids.newId()}.vwrc`;
  try {
    const hash = sha256Tap();
    const { stream: encryptor } = crypto.encryptor();
    const sealed = new PassThrough();
    const [sealing, storing] = await Promise.allSettled([
      pipeline(await storage.get(media.storageKey), crypto.decryptor(), hash, encryptor, sealed),
      storage.put(storageKey, sealed),
    ]);
    if (sealing.status === 'rejected') throw sealing.reason;
    if (storing.status === 'rejected') throw storing.reason;
    if (hash.digest() !== media.sha256) throw new PlaintextMismatchError();
    const result = await calls.execute(
      callId,
      {
        type: 'RotateRecordingKey',
        data: { recordingId, fromKeyId: media.keyId, toKeyId: crypto.currentKeyId, storageKey },
      },
      SYSTEM_ACTOR,
      context,
    );
    if (result.newEvents.length === 0) {
      await storage.delete(storageKey);
      return 'unchanged';
    }
  } catch (error) {
    await storage.delete(storageKey).catch(() => undefined);
    deps.onFailure?.({ callId, recordingId }, error);
    return 'failed';
  }
  await storage.delete(media.storageKey);
  return 'rewrapped';
}
