import { recordingOf } from '../../../domain/call/call.state.js';
import { SYSTEM_ACTOR } from '../../../domain/shared/actor.js';
import type { CallCommands } from '../../call/call-commands.js';
import type { CallCommandResult } from '../../call/call-command.result.js';
import type { RecordingStorage } from '../../ports/recording-storage.port.js';
import type { RequestContext } from '../../request-context.js';

/**
 * The retention timer's use case: purge an expired recording unless it is under legal hold.
 * Appends RecordingPurged first (from then on no legal hold can be set on it), then deletes the
 * object, whose header holds the wrapped data key. If the delete fails the timer is retried: the
 * decider answers the repeat with nothing and the delete runs again.
 */
export async function purgeRecording(
  calls: CallCommands,
  storage: RecordingStorage,
  callId: string,
  recordingId: string,
  context: RequestContext,
): Promise<CallCommandResult> {
  const result = await calls.execute(
    callId,
    { type: 'PurgeRecording', data: { recordingId } },
    SYSTEM_ACTOR,
    context,
  );
  const recording =
    result.state.status === 'NONE' ? undefined : recordingOf(result.state, recordingId);
  if (recording?.status === 'PURGED' && recording.media !== null) {
    await storage.delete(recording.media.storageKey);
  }
  return result;
}
