import type { RecordingContentType } from '../../domain/call/call.values.js';
import type { Actor } from '../../domain/shared/actor.js';
import type { CallCommands } from '../call/call-commands.js';
import type { CallCommandResult } from '../call/call-command.result.js';
import type { Clock } from '../ports/clock.port.js';
import type { RecordingStorage } from '../ports/recording-storage.port.js';
import type { RequestContext } from '../request-context.js';
import { completionCommand } from './recording-upload-rules.js';
import type { RecordingSettings } from './recording-settings.js';
import type { SealedObject } from './seal-into-storage.js';

export interface AppendRecordingUploadedDeps {
  readonly calls: CallCommands;
  readonly storage: RecordingStorage;
  readonly clock: Clock;
  readonly settings: RecordingSettings;
}

/** A recording's media, sealed into storage under its own key and not yet in the ledger. */
export interface StoredRecording {
  readonly callId: string;
  readonly recordingId: string;
  readonly contentType: RecordingContentType;
  readonly sealed: SealedObject;
  readonly storageKey: string;
}

/**
 * Appends RecordingUploaded for media already in storage, however it was uploaded. When the
 * decider refuses it or the append fails, the stored object is removed: storage never keeps a
 * recording the ledger does not know.
 */
export async function appendRecordingUploaded(
  deps: AppendRecordingUploadedDeps,
  stored: StoredRecording,
  actor: Actor,
  context: RequestContext,
): Promise<CallCommandResult> {
  try {
    const { type, data } = completionCommand(
      stored.recordingId,
      stored.contentType,
      stored.sealed,
      stored.storageKey,
      actor,
      deps.clock,
      deps.settings,
    );
    return await deps.calls.execute(stored.callId, { type, data }, actor, context);
  } catch (error) {
    await deps.storage.delete(stored.storageKey).catch(() => undefined);
    throw error;
  }
}
