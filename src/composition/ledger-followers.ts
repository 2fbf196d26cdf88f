import type { Logger } from 'pino';
import type { INestApplication } from '@nestjs/common';
import { CallCommands } from '../application/call/call-commands.js';
import { CommandRunner } from '../application/command-runner.js';
import { RecordingStorageSweeper } from '../application/recording/storage-sweep/recording-storage-sweeper.js';
import { PresenceSweeper } from '../application/presence/presence-sweeper.js';
import { callTimerHandlers } from '../application/timers/call-timer-handlers.js';
import { TimerWorker } from '../application/timers/timer-worker.js';
import type { AppConfig } from '../infrastructure/config/app-config.js';
import { messageLogger } from '../infrastructure/observability/logger.js';
import type { CleanupStack } from '../infrastructure/system/cleanup-stack.js';
import { SystemClock } from '../infrastructure/system/system-clock.adapter.js';
import { PostgresLedgerTreeStore } from '../infrastructure/ledger/postgres-ledger-tree-store.adapter.js';
import { runAloneWithAdvisoryLock } from '../infrastructure/postgres/advisory-lock.js';
import { scheduleTimer } from '../infrastructure/timers/postgres-timer-store.adapter.js';
import { WebRtcGateway } from '../interfaces/ws/webrtc.gateway.js';
import { callTimersProjection } from '../projections/call-timers.projection.js';
import {
  LEDGER_TREE_BATCH_PAUSE_MS,
  ledgerTreeProjection,
  MAX_LEAVES_PER_CHECKPOINT,
} from '../projections/ledger-tree/ledger-tree.projection.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import type { AppRuntime } from './app-runtime.js';

/** The workers a test may drive by hand when `runTimers` is false. */
export interface LedgerWorkers {
  readonly timers: TimerWorker;
  /** Reconciles recording storage with the ledger; `sweep()` runs one pass. */
  readonly sweeper: RecordingStorageSweeper;
  /** Records the participants of lost instances as disconnected (presence leases). */
  readonly presence: PresenceSweeper;
}

/**
 * What follows the ledger beside the read models, once the app exists: socket notifications
 * (emitted by the gateway), the Merkle tree and its signed checkpoints, the projection that
 * schedules durable timers, the worker that fires them, the recording storage sweeper and the
 * sweep of expired presence leases. The workers are returned so tests can drive them by hand when
 * `runTimers` is false.
 */
export async function startLedgerFollowers(
  runtime: AppRuntime,
  app: INestApplication,
  config: AppConfig,
  cleanup: CleanupStack,
  logger: Logger,
  runTimers: boolean,
): Promise<LedgerWorkers> {
  await runtime.notifier.start(app.get(WebRtcGateway));
  cleanup.push(() => runtime.notifier.stop());

  const { ledgerTree } = runtime;
  const treeRunner = new ProjectionRunner(
    ledgerTreeProjection({
      store: new PostgresLedgerTreeStore(),
      events: runtime.eventStore,
      // Operational timing, not domain time: a test's hand-moved clock must not stall signing.
      clock: new SystemClock(),
      origin: ledgerTree.origin,
      signingKey: ledgerTree.signingKey,
      checkpointIntervalMs: ledgerTree.checkpointIntervalMs,
      publisher: ledgerTree.publisher,
      archive: ledgerTree.archive,
    }),
    {
      store: runtime.eventStore,
      knex: runtime.knex,
      lockPool: runtime.pool,
      logger: messageLogger(logger),
      // One batch never holds more events than a checkpoint may wait for.
      batchSize: MAX_LEAVES_PER_CHECKPOINT,
      // Leaves need not appear within milliseconds: fewer, larger transactions leave the
      // database to the appends while the ledger is busy.
      batchPauseMs: LEDGER_TREE_BATCH_PAUSE_MS,
    },
  );
  treeRunner.start();
  cleanup.push(() => treeRunner.stop());

  const timerSettings = {
    ...config.calls,
    recordingUploadTimeoutSeconds: config.recordings.uploadTimeoutSeconds,
  };
  const timerRunner = new ProjectionRunner(callTimersProjection(timerSettings, scheduleTimer), {
    store: runtime.eventStore,
    knex: runtime.knex,
    lockPool: runtime.pool,
    logger: messageLogger(logger),
  });
  timerRunner.start();
  cleanup.push(() => timerRunner.stop());

  const timers = new TimerWorker({
    store: runtime.timerStore,
    clock: runtime.clock,
    logger: messageLogger(logger),
    handlers: callTimerHandlers({
      calls: app.get(CallCommands),
      runner: app.get(CommandRunner),
      storage: runtime.recordings.storage,
    }),
  });
  const presence = new PresenceSweeper(
    runtime.signaling.presence.leases,
    app.get(CallCommands),
    runtime.signaling.presence.settings,
    messageLogger(logger),
  );
  if (runTimers) {
    timers.start();
    cleanup.push(() => timers.stop());
    presence.start();
    cleanup.push(() => presence.stop());
  }

  const sweeper = new RecordingStorageSweeper({
    storage: runtime.recordings.storage,
    uploads: runtime.recordings.uploads,
    calls: app.get(CallCommands),
    runner: app.get(CommandRunner),
    clock: runtime.clock,
    ids: runtime.ids,
    logger: messageLogger(logger),
    ...runtime.recordings.sweep,
    runAlone: runAloneWithAdvisoryLock(runtime.pool, 'recording-storage-sweep'),
  });
  if (runTimers) {
    sweeper.start();
    cleanup.push(() => sweeper.stop());
  }
  return { timers, sweeper, presence };
}
