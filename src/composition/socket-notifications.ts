import type { Knex } from 'knex';
import type pg from 'pg';
import type { EventStore } from '../application/ports/event-store.port.js';
import {
  LedgerNotifier,
  type LedgerNotifierLogger,
  type LedgerNotifierOptions,
} from '../application/signaling/ledger-notifier.js';
import type { SignalingEmitter } from '../application/signaling/signaling-emitter.port.js';
import { ProjectionRunner, type ProjectionRunnerLogger } from '../projections/projection-runner.js';
import { startCheckpointAtHead } from '../projections/checkpoint-at-head.js';
import {
  SOCKET_NOTIFICATIONS_PROJECTION,
  socketNotificationsProjection,
} from '../projections/socket-notifications.projection.js';

export interface SocketNotificationsDependencies {
  readonly store: EventStore;
  readonly knex: Knex;
  readonly lockPool: pg.Pool;
  readonly logger: LedgerNotifierLogger & ProjectionRunnerLogger;
  readonly notifier?: LedgerNotifierOptions;
  /** After a batch was given up, take it again from the checkpoint this much later. */
  readonly retryDelayMs?: number;
}

/**
 * Socket notifications from the ledger: a LedgerNotifier emitting through the gateway, run from
 * its checkpoint by a ProjectionRunner. It starts once the gateway exists.
 */
export class SocketNotifications {
  private runner: ProjectionRunner | null = null;

  constructor(private readonly dependencies: SocketNotificationsDependencies) {}

  /** Resolves once every event appended from now on is sure to be notified. */
  async start(emitter: SignalingEmitter): Promise<void> {
    if (this.runner) return;
    const { store, knex, lockPool, logger, notifier, retryDelayMs } = this.dependencies;
    await startCheckpointAtHead(knex, store, SOCKET_NOTIFICATIONS_PROJECTION);
    if (this.runner) return;
    const projection = socketNotificationsProjection(
      new LedgerNotifier(store, emitter, logger, notifier),
    );
    this.runner = new ProjectionRunner(projection, {
      store,
      knex,
      lockPool,
      logger,
      retryDelayMs: retryDelayMs ?? 1_000,
    });
    this.runner.start();
  }

  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    await runner?.stop();
  }
}
