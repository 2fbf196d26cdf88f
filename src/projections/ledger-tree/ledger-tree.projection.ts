import type { Knex } from 'knex';
import type { PublishedCheckpoint } from '../../application/ledger/checkpoint-publisher.js';
import { signCheckpoint } from '../../application/ledger/ledger-checkpoint.js';
import { ledgerPublicKey } from '../../application/ledger/ledger-public-key.js';
import {
  LedgerTreeBuilder,
  StoredTreeMismatchError,
} from '../../application/ledger/ledger-tree-builder.js';
import { MerkleFrontier } from '../../application/ledger/merkle/merkle-frontier.js';
import { perfectCover } from '../../application/ledger/merkle/merkle-proofs.js';
import type { NoteSigningKey } from '../../application/ledger/signed-note.js';
import {
  checkpointOpener,
  trustStored,
  type OpenCheckpoint,
  type TrustedCheckpoint,
} from '../../application/ledger/trusted-checkpoint.js';
import type { Clock } from '../../application/ports/clock.port.js';
import type { EventStore, RecordedEvent } from '../../application/ports/event-store.port.js';
import {
  STORED_NODE_MIN_LEVEL,
  type CheckpointArchive,
  type StoredCheckpoint,
  type StreamHead,
  type TreeLeaf,
  type TreeNode,
} from '../../application/ports/ledger-tree.port.js';
import type { Projection } from '../projection.js';
import type { LedgerTreeStore, NewCheckpoint } from './ledger-tree-store.js';

export const LEDGER_TREE_PROJECTION = 'ledger-tree';

/** A checkpoint comes after at most this many events. */
export const MAX_LEAVES_PER_CHECKPOINT = 1000;

/** The runner's pause between two batches of the tree (ProjectionRunnerOptions.batchPauseMs). */
export const LEDGER_TREE_BATCH_PAUSE_MS = 100;

export interface LedgerTreeProjectionOptions {
  readonly store: LedgerTreeStore;
  /** Reads the events after the newest checkpoint when the tree resumes (their heads). */
  readonly events: Pick<EventStore, 'readAll'>;
  readonly clock: Clock;
  /** The checkpoint's origin line; the signing key's name is the same. */
  readonly origin: string;
  readonly signingKey: NoteSigningKey;
  /** A checkpoint is signed this long after the first event it will commit arrived. */
  readonly checkpointIntervalMs: number;
  /** Where committed checkpoints go next (the archive outside the database). */
  readonly publisher: {
    publish(checkpoint: PublishedCheckpoint): void;
    publishIfMissing(checkpoint: PublishedCheckpoint): void;
  };
  /** Read when the tree resumes: it must not know a checkpoint newer than the database's. */
  readonly archive: Pick<CheckpointArchive, 'location' | 'sizes' | 'at'>;
}

/**
 * Builds the ledger's Merkle trees (docs/architecture.md, "Ledger integrity") as a projection of
 * every stream: each event's leaf, the perfect subtrees of 2^8 leaves and more, and, at most
 * MAX_LEAVES_PER_CHECKPOINT events or one interval after the first event not yet committed, a
 * signed checkpoint with the heads it commits. One runner is active across all instances, and it
 * writes in its transaction together with its position, so every event becomes a leaf exactly once.
 */
export function ledgerTreeProjection(options: LedgerTreeProjectionOptions): Projection {
  return new LedgerTreeProjection(options);
}

/** What one transaction writes, gathered as the events are appended in memory. */
interface PendingWrites {
  readonly leaves: TreeLeaf[];
  readonly nodes: TreeNode[];
  readonly checkpoints: NewCheckpoint[];
  readonly heads: Map<number, StreamHead>;
}

class LedgerTreeProjection implements Projection {
  readonly name = LEDGER_TREE_PROJECTION;
  readonly idle = {
    dueInMs: (): number | null => this.dueInMs(),
    run: (trx: Knex.Transaction): Promise<void> => this.signIfDue(trx),
  };
  /** Null until loaded from the tables (again after any failed transaction). */
  private tree: LedgerTreeBuilder | null = null;
  /** When the first event not yet checkpointed arrived (ms since the epoch). */
  private pendingSince: number | null = null;
  /** Signed in the transaction in hand; published once it commits. */
  private uncommitted: NewCheckpoint[] = [];

  private readonly openCheckpoint: OpenCheckpoint;

  constructor(private readonly options: LedgerTreeProjectionOptions) {
    this.openCheckpoint = checkpointOpener(
      ledgerPublicKey(options.signingKey, options.origin).verifierKey,
    );
  }

  reset(): void {
    this.tree = null;
    this.pendingSince = null;
    this.uncommitted = [];
  }

  async apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void> {
    const tree = await this.loaded(trx);
    const writes: PendingWrites = { leaves: [], nodes: [], checkpoints: [], heads: new Map() };
    for (const event of events) {
      const { leaf, nodes } = tree.append(event);
      writes.leaves.push(leaf);
      writes.nodes.push(...nodes);
      this.pendingSince ??= this.now();
      if (tree.pending >= MAX_LEAVES_PER_CHECKPOINT) this.sign(tree, writes);
    }
    if (this.isDue(tree)) this.sign(tree, writes);
    await this.write(trx, writes);
  }

  committed(): void {
    for (const { treeSize, note } of this.uncommitted) {
      this.options.publisher.publish({ treeSize, note });
    }
    this.uncommitted = [];
  }

  private async signIfDue(trx: Knex.Transaction): Promise<void> {
    const tree = await this.loaded(trx);
    if (!this.isDue(tree)) return;
    const writes: PendingWrites = { leaves: [], nodes: [], checkpoints: [], heads: new Map() };
    this.sign(tree, writes);
    await this.write(trx, writes);
  }

  private dueInMs(): number | null {
    // Not loaded: only the tables know whether something waits, so look at once.
    if (this.tree === null) return 0;
    if (this.pendingSince === null) return null;
    return this.pendingSince + this.options.checkpointIntervalMs - this.now();
  }

  private isDue(tree: LedgerTreeBuilder): boolean {
    return (
      tree.pending > 0 &&
      this.pendingSince !== null &&
      this.now() - this.pendingSince >= this.options.checkpointIntervalMs
    );
  }

  private sign(tree: LedgerTreeBuilder, writes: PendingWrites): void {
    const values = tree.values();
    const note = signCheckpoint(
      { origin: this.options.origin, ...values },
      this.options.signingKey,
    );
    writes.checkpoints.push({ ...values, note });
    for (const head of tree.markCheckpointed()) writes.heads.set(head.slot, head);
    this.pendingSince = null;
  }

  private async write(trx: Knex.Transaction, writes: PendingWrites): Promise<void> {
    if (writes.checkpoints.length === 0) {
      // Without a checkpoint the commit need not wait for the disk: a crash can only lose it
      // together with the runner's position (same transaction), and the same leaves are rebuilt.
      // A signed checkpoint is flushed before it is published, so the archive never holds one
      // the database lost.
      await trx.raw('SET LOCAL synchronous_commit = off');
    }
    await this.options.store.write(trx, {
      leaves: writes.leaves,
      nodes: writes.nodes,
      checkpoints: writes.checkpoints,
      heads: [...writes.heads.values()],
    });
    this.uncommitted.push(...writes.checkpoints);
  }

  private async loaded(trx: Knex.Transaction): Promise<LedgerTreeBuilder> {
    this.tree ??= await this.load(trx);
    return this.tree;
  }

  /**
   * The trees as stored, checked before anything is built on them: the newest checkpoint in the
   * database must be signed by this ledger's key, the archive must hold nothing newer (nor another
   * note for that size), and the stored tree must agree with that checkpoint and with the events
   * after it (LedgerTreeBuilder.resume). Whatever fails stops the builder with the reason, and it
   * tries again later: signing over a tree an insider rewrote would vouch for the rewrite.
   */
  private async load(trx: Knex.Transaction): Promise<LedgerTreeBuilder> {
    const { store } = this.options;
    const stored = await store.latestCheckpoint(trx);
    const checkpoint = stored === null ? null : this.trusted(stored);
    const checkpointSize = checkpoint?.treeSize ?? 0;
    await this.checkArchive(checkpoint);
    const size = await store.size(trx);
    if (checkpointSize > size) {
      throw new StoredTreeMismatchError(
        `the newest checkpoint (${checkpointSize}) is past the stored tree (${size})`,
      );
    }
    const leavesAfterCheckpoint = await store.leaves(trx, checkpointSize, size);
    const tree = LedgerTreeBuilder.resume({
      frontierAtCheckpoint: await this.frontierAt(trx, checkpointSize),
      checkpoint,
      checkpointedHeads: await store.heads(trx),
      eventsAfterCheckpoint: await this.eventsAfter(trx, checkpointSize, size),
      leavesAfterCheckpoint,
    });
    this.pendingSince = tree.pending > 0 ? this.now() : null;
    if (checkpoint) this.options.publisher.publishIfMissing(checkpoint);
    return tree;
  }

  /** The stored checkpoint as its note says, once the note verifies under this ledger's key. */
  private trusted(stored: StoredCheckpoint): TrustedCheckpoint {
    const { checkpoint, problem } = trustStored(stored, this.openCheckpoint);
    if (problem !== null) throw new StoredTreeMismatchError(`the database's newest ${problem}`);
    return checkpoint;
  }

  /** The archive outside the database must not know a newer checkpoint, nor another note. */
  private async checkArchive(checkpoint: TrustedCheckpoint | null): Promise<void> {
    const { archive } = this.options;
    const size = checkpoint?.treeSize ?? 0;
    const [newer] = await archive.sizes(size, 1);
    if (newer !== undefined) {
      throw new StoredTreeMismatchError(
        `the archive (${archive.location}) holds checkpoint ${newer}, newer than the database's newest (${size}): the database lost checkpoints`,
      );
    }
    if (checkpoint === null) return;
    const archived = await archive.at(size);
    if (archived !== null && archived !== checkpoint.note) {
      throw new StoredTreeMismatchError(
        `the archive (${archive.location}) holds another note for checkpoint ${size} than the database`,
      );
    }
  }

  /** The event tree's frontier at `size`, from the stored subtrees and leaves before it. */
  private async frontierAt(trx: Knex.Transaction, size: number): Promise<MerkleFrontier> {
    const { store } = this.options;
    const blockStart = size - (size % 2 ** STORED_NODE_MIN_LEVEL);
    const wanted = perfectCover(0, blockStart);
    const stored = new Map(
      (await store.nodes(trx, wanted)).map((node) => [`${node.level}:${node.index}`, node.hash]),
    );
    const frontier = MerkleFrontier.fromPerfectSubtrees(
      blockStart,
      wanted.map(({ level, index }) => {
        const hash = stored.get(`${level}:${index}`);
        if (!hash)
          throw new StoredTreeMismatchError(`ledger tree node (${level}, ${index}) is missing`);
        return hash;
      }),
    );
    for (const leaf of await store.leaves(trx, blockStart, size)) frontier.append(leaf.hash);
    if (frontier.size !== size) {
      throw new StoredTreeMismatchError(`ledger tree leaves from ${blockStart} are missing`);
    }
    return frontier;
  }

  /** The events after leaf `from` - 1, as many as the tree stores leaves up to `to`. */
  private async eventsAfter(
    trx: Knex.Transaction,
    from: number,
    to: number,
  ): Promise<readonly RecordedEvent[]> {
    if (to === from) return [];
    const before =
      from === 0
        ? null
        : ((await this.options.store.leaves(trx, from - 1, from))[0]?.position ?? null);
    if (from > 0 && before === null) {
      throw new StoredTreeMismatchError(`ledger tree leaf ${from - 1} is missing`);
    }
    return this.options.events.readAll({ after: before, limit: to - from });
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }
}
