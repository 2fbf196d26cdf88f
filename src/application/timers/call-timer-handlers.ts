import { SYSTEM_ACTOR } from '../../domain/shared/actor.js';
import type { CallCommands } from '../call/call-commands.js';
import { failCallOnConnectionFailure } from '../call/commands/fail-call-on-connection-failure/fail-call-on-connection-failure.js';
import type { CommandRunner } from '../command-runner.js';
import type { RecordingStorage } from '../ports/recording-storage.port.js';
import type { DueTimer, TimerHandlers } from '../ports/timer-store.port.js';
import { purgeRecording } from '../recording/purge-recording/purge-recording.js';
import type { RequestContext } from '../request-context.js';

export interface CallTimerDependencies {
  readonly calls: CallCommands;
  /** Loads the quality stream for the connection-failure timer. */
  readonly runner: CommandRunner;
  readonly storage: RecordingStorage;
}

/** Everything a timer causes is correlated with the timer; nothing caused the timer itself. */
function timerContext(timer: DueTimer): RequestContext {
  return { correlationId: timer.id, causationId: null };
}

/**
 * What each durable timer does when it fires, sent as the system. The decider answers a late or
 * repeated timer with nothing, so the outcome label tells which of the two happened.
 */
export function callTimerHandlers({
  calls,
  runner,
  storage,
}: CallTimerDependencies): TimerHandlers {
  return {
    // Rung early by its initiator, or cancelled, the call is no longer SCHEDULED: the decider
    // refuses and the worker records the timer as skipped with that code.
    'scheduled-ring': async (timer) => {
      await calls.execute(
        timer.payload.callId,
        { type: 'RingScheduledCall', data: {} },
        SYSTEM_ACTOR,
        timerContext(timer),
      );
      return 'rang';
    },
    'ring-timeout': async (timer) => {
      const { callId, ringTimeoutSeconds } = timer.payload;
      await calls.execute(
        callId,
        { type: 'MarkCallMissed', data: { ringTimeoutSeconds } },
        SYSTEM_ACTOR,
        timerContext(timer),
      );
      return 'missed';
    },
    'reconnect-grace': async (timer) => {
      const { callId, userId, reconnectGraceSeconds } = timer.payload;
      await calls.execute(
        callId,
        { type: 'ExpireDisconnectedParticipant', data: { userId, reconnectGraceSeconds } },
        SYSTEM_ACTOR,
        timerContext(timer),
      );
      return 'expired';
    },
    'connection-failure': (timer) =>
      failCallOnConnectionFailure(calls, runner, timer.payload, timerContext(timer)),
    'recording-upload-timeout': async (timer) => {
      const { callId, recordingId } = timer.payload;
      const result = await calls.execute(
        callId,
        { type: 'FailRecording', data: { recordingId, reason: 'upload_timeout' } },
        SYSTEM_ACTOR,
        timerContext(timer),
      );
      return result.newEvents.length > 0 ? 'failed' : 'uploaded';
    },
    'recording-retention': async (timer) => {
      const { callId, recordingId } = timer.payload;
      const result = await purgeRecording(calls, storage, callId, recordingId, timerContext(timer));
      return result.newEvents.length > 0 ? 'purged' : 'nothing_to_purge';
    },
  };
}
