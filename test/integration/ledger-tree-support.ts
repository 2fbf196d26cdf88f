import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type pg from 'pg';
import { CheckpointPublisher } from '../../src/application/ledger/checkpoint-publisher.js';
import { eventLeafHash, streamHeadLeafHash } from '../../src/application/ledger/ledger-leaf.js';
import { MerkleFrontier } from '../../src/application/ledger/merkle/merkle-frontier.js';
import { UpdatableMerkleTree } from '../../src/application/ledger/merkle/updatable-merkle-tree.js';
import type { NoteSigningKey } from '../../src/application/ledger/signed-note.js';
import type { EventStore, RecordedEvent } from '../../src/application/ports/event-store.port.js';
import {
  STORED_NODE_MIN_LEVEL,
  type CheckpointArchive,
} from '../../src/application/ports/ledger-tree.port.js';
import { DirectoryCheckpointArchive } from '../../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import { PostgresLedgerTreeStore } from '../../src/infrastructure/ledger/postgres-ledger-tree-store.adapter.js';
import { SystemClock } from '../../src/infrastructure/system/system-clock.adapter.js';
import {
  LEDGER_TREE_BATCH_PAUSE_MS,
  ledgerTreeProjection,
} from '../../src/projections/ledger-tree/ledger-tree.projection.js';
import {
  ProjectionRunner,
  type ProjectionRunnerLogger,
} from '../../src/projections/projection-runner.js';
import type { Projection } from '../../src/projections/projection.js';
import { readWholeFeed } from '../support/read-whole-feed.js';

export const TEST_ORIGIN = 'vytalwatch-call-ledger-test';

export const quietLogger = { info: () => undefined, error: () => undefined };

export async function temporaryArchive(): Promise<DirectoryCheckpointArchive> {
  return new DirectoryCheckpointArchive(
    path.join(await mkdtemp(path.join(tmpdir(), 'vw-checkpoints-')), 'checkpoints'),
  );
}

/** A ledger-tree runner as the server builds it, with a chosen interval and archive. */
export function ledgerTreeRunner(options: {
  store: EventStore;
  knex: Knex;
  pool: pg.Pool;
  signingKey: NoteSigningKey;
  archive: CheckpointArchive;
  intervalMs: number;
  wrap?: (projection: Projection) => Projection;
  logger?: ProjectionRunnerLogger;
}): { runner: ProjectionRunner; publisher: CheckpointPublisher } {
  const publisher = new CheckpointPublisher(options.archive, quietLogger);
  const projection = ledgerTreeProjection({
    store: new PostgresLedgerTreeStore(),
    events: options.store,
    clock: new SystemClock(),
    origin: TEST_ORIGIN,
    signingKey: options.signingKey,
    checkpointIntervalMs: options.intervalMs,
    publisher,
    archive: options.archive,
  });
  const runner = new ProjectionRunner(options.wrap ? options.wrap(projection) : projection, {
    store: options.store,
    knex: options.knex,
    lockPool: options.pool,
    logger: options.logger ?? quietLogger,
    batchSize: 1000,
    batchPauseMs: LEDGER_TREE_BATCH_PAUSE_MS,
    retryDelayMs: 20,
  });
  return { runner, publisher };
}

/** Both trees recomputed from the events with the pure functions alone. */
export interface ExpectedTree {
  readonly events: readonly RecordedEvent[];
  readonly leafHashes: readonly Buffer[];
  /** Every perfect subtree of level >= STORED_NODE_MIN_LEVEL, as `level:index` -> hex. */
  readonly nodes: ReadonlyMap<string, string>;
  rootAt(size: number): Buffer;
  headsAt(size: number): {
    count: number;
    root: Buffer;
    heads: Array<{ slot: number; streamId: string; revision: number; hash: string }>;
  };
}

export async function expectedTree(store: EventStore, pool: pg.Pool): Promise<ExpectedTree> {
  const events = await readWholeFeed(store, pool);
  const leafHashes = events.map(eventLeafHash);
  const nodes = new Map<string, string>();
  const frontier = MerkleFrontier.empty();
  for (const hash of leafHashes) {
    for (const node of frontier.append(hash)) {
      if (node.level >= STORED_NODE_MIN_LEVEL) {
        nodes.set(`${node.level}:${node.index}`, node.hash.toString('hex'));
      }
    }
  }
  return {
    events,
    leafHashes,
    nodes,
    rootAt(size) {
      const partial = MerkleFrontier.empty();
      for (const hash of leafHashes.slice(0, size)) partial.append(hash);
      return partial.root();
    },
    headsAt(size) {
      const slots = new Map<string, number>();
      const heads: Array<{ slot: number; streamId: string; revision: number; hash: string }> = [];
      for (const event of events.slice(0, size)) {
        const slot = slots.get(event.streamId) ?? heads.length;
        slots.set(event.streamId, slot);
        heads[slot] = {
          slot,
          streamId: event.streamId,
          revision: event.revision,
          hash: event.metadata.hash,
        };
      }
      const tree = UpdatableMerkleTree.fromLeaves(heads.map(streamHeadLeafHash));
      return { count: heads.length, root: tree.root(), heads };
    },
  };
}
