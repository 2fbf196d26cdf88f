import { callDecider } from '../../domain/call/call.decider.js';
import { CallNotFoundError } from '../../domain/call/call.errors.js';
import type { CompleteRecordingUpload } from '../../domain/call/call.commands.js';
import type { RecordingContentType } from '../../domain/call/call.values.js';
import { isCallParty } from '../../domain/call/call.parties.js';
import type { Actor } from '../../domain/shared/actor.js';
import type { CallCommands } from '../call/call-commands.js';
import type { Clock } from '../ports/clock.port.js';
import type { RecordingUploadStore } from '../ports/recording-upload-store.port.js';
import type { SealedObject } from './seal-into-storage.js';
import type { RecordingSettings } from './recording-settings.js';

const DAY_MS = 86_400_000;

/** What a finished upload tells the decider: the recording's sealed object and its facts. */
export function completionCommand(
  recordingId: string,
  contentType: RecordingContentType,
  sealed: SealedObject,
  storageKey: string,
  actor: Actor,
  clock: Clock,
  settings: RecordingSettings,
): CompleteRecordingUpload {
  const now = clock.now();
  return {
    type: 'CompleteRecordingUpload',
    data: {
      recordingId,
      sizeBytes: sealed.sizeBytes,
      sha256: sealed.sha256,
      storageKey,
      keyId: sealed.keyId,
      contentType,
      expiresAt: new Date(now.getTime() + settings.retentionDays * DAY_MS).toISOString(),
    },
    metadata: { actor, now: now.toISOString() },
  };
}

/**
 * Refuses an upload before any byte is read: a stranger to the call gets CALL.NOT_FOUND, and a
 * dry run of the decider refuses what the completion would (not stopped, already uploaded, not
 * the provider). The completion decides again against the state it appends to.
 */
export async function assertMayUpload(
  calls: CallCommands,
  callId: string,
  recordingId: string,
  contentType: RecordingContentType,
  actor: Actor,
  clock: Clock,
  settings: RecordingSettings,
): Promise<void> {
  const { state } = await calls.load(callId);
  if (state.status === 'NONE' || !isCallParty(state, actor.userId)) {
    throw new CallNotFoundError(callId);
  }
  const pending = { sha256: '0'.repeat(64), sizeBytes: 0, keyId: 'pending' };
  callDecider.decide(
    completionCommand(recordingId, contentType, pending, 'pending', actor, clock, settings),
    state,
  );
}

/** The sealed object of a finished recording: one per attempt, so racing attempts never collide. */
export function recordingObjectKey(callId: string, recordingId: string, attemptId: string): string {
  return `calls/${callId}/recordings/${recordingId}/${attemptId}.vwrc`;
}

/**
 * Keeps an upload's lease fresh while a long request runs (a single streamed upload, the
 * assembly of parts); the returned function stops it.
 */
export function keepUploadAlive(
  uploads: RecordingUploadStore,
  uploadId: string,
  clock: Clock,
  settings: RecordingSettings,
): () => void {
  const every = Math.max(1000, (settings.uploadLeaseSeconds * 1000) / 3);
  const timer = setInterval(() => {
    uploads.renew(uploadId, clock.now()).catch(() => undefined);
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}

/** The instant before which a holder's last renewal makes its lease run out. */
export function leaseStaleBefore(clock: Clock, settings: RecordingSettings): Date {
  return new Date(clock.now().getTime() - settings.uploadLeaseSeconds * 1000);
}
