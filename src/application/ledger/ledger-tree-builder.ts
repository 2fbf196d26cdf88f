import type { LedgerPosition } from '../ports/event-store.port.js';
import {
  STORED_NODE_MIN_LEVEL,
  type StreamHead,
  type TreeLeaf,
  type TreeNode,
} from '../ports/ledger-tree.port.js';
import { eventLeafHash, streamHeadLeafHash } from './ledger-leaf.js';
import { MerkleFrontier } from './merkle/merkle-frontier.js';
import { UpdatableMerkleTree } from './merkle/updatable-merkle-tree.js';

/** What the tree needs of a ledger event. */
export interface LedgerTreeEvent {
  readonly position: LedgerPosition;
  readonly streamId: string;
  readonly revision: number;
  readonly metadata: { readonly hash: string };
}

/** What a checkpoint commits: both trees' sizes and roots. */
export interface CheckpointValues {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly headsCount: number;
  readonly headsRoot: Buffer;
}

/**
 * Both Merkle trees of the ledger as they grow, in memory: the event tree's right edge (a
 * MerkleFrontier) and the stream heads tree (every leaf, since heads change in place). It knows
 * which heads moved since the last checkpoint, which is what storing a checkpoint writes.
 */
export class LedgerTreeBuilder {
  /** Heads that moved since the last checkpoint, by slot. */
  private readonly unsignedHeads = new Map<number, StreamHead>();

  private constructor(
    private readonly frontier: MerkleFrontier,
    private readonly headsTree: UpdatableMerkleTree,
    private readonly slots: Map<string, number>,
    private checkpointSize: number,
  ) {}

  static empty(): LedgerTreeBuilder {
    return new LedgerTreeBuilder(MerkleFrontier.empty(), UpdatableMerkleTree.empty(), new Map(), 0);
  }

  /**
   * Resumes from what is stored, trusting none of it until it agrees with the newest signed
   * checkpoint: the event tree's frontier at that checkpoint's size must hash to its root and the
   * heads it committed (slot order, from 0) to its heads root; the leaves stored after it must be
   * the ones the events after it give. Throws StoredTreeMismatchError saying what differs, so a
   * rewritten tree is never built on and signed.
   */
  static resume(stored: {
    readonly frontierAtCheckpoint: MerkleFrontier;
    /** The newest checkpoint as its signed note says; null before the first one. */
    readonly checkpoint: CheckpointValues | null;
    readonly checkpointedHeads: readonly StreamHead[];
    readonly eventsAfterCheckpoint: readonly LedgerTreeEvent[];
    readonly leavesAfterCheckpoint: readonly TreeLeaf[];
  }): LedgerTreeBuilder {
    const { frontierAtCheckpoint: frontier, checkpoint, checkpointedHeads } = stored;
    const checkpointSize = checkpoint?.treeSize ?? 0;
    if (frontier.size !== checkpointSize) {
      throw new StoredTreeMismatchError(
        `the stored tree was resumed at ${frontier.size} leaves, the checkpoint is at ${checkpointSize}`,
      );
    }
    if (checkpoint !== null && !frontier.root().equals(checkpoint.rootHash)) {
      throw new StoredTreeMismatchError(
        `the stored tree's first ${checkpointSize} leaves do not hash to the root checkpoint ${checkpointSize} signed`,
      );
    }
    const slots = new Map<string, number>();
    checkpointedHeads.forEach((head, slot) => {
      if (head.slot !== slot) throw new StoredTreeMismatchError(`stream heads skip slot ${slot}`);
      slots.set(head.streamId, slot);
    });
    const headsTree = UpdatableMerkleTree.fromLeaves(checkpointedHeads.map(streamHeadLeafHash));
    const headsSigned =
      checkpoint === null
        ? headsTree.size === 0
        : headsTree.size === checkpoint.headsCount && headsTree.root().equals(checkpoint.headsRoot);
    if (!headsSigned) {
      throw new StoredTreeMismatchError(
        `the stored stream heads are not the ${checkpoint?.headsCount ?? 0} heads checkpoint ${checkpointSize} signed`,
      );
    }
    const builder = new LedgerTreeBuilder(frontier, headsTree, slots, checkpointSize);
    const { eventsAfterCheckpoint: events, leavesAfterCheckpoint: leaves } = stored;
    if (events.length !== leaves.length) {
      throw new StoredTreeMismatchError(
        `the tree stores ${leaves.length} leaves after checkpoint ${checkpointSize}, the ledger has ${events.length} events there`,
      );
    }
    events.forEach((event, i) => {
      const { leaf } = builder.append(event);
      const kept = leaves[i] as TreeLeaf;
      if (
        kept.index !== leaf.index ||
        kept.position !== leaf.position ||
        !kept.hash.equals(leaf.hash)
      ) {
        throw new StoredTreeMismatchError(
          `the tree's stored leaf ${kept.index} is not the event at position ${event.position}`,
        );
      }
    });
    return builder;
  }

  get size(): number {
    return this.frontier.size;
  }

  /** Leaves appended since the last checkpoint. */
  get pending(): number {
    return this.frontier.size - this.checkpointSize;
  }

  /** Appends the event's leaf and moves its stream's head; answers what is to be stored. */
  append(event: LedgerTreeEvent): { leaf: TreeLeaf; nodes: TreeNode[] } {
    const hash = eventLeafHash(event);
    const leaf: TreeLeaf = {
      index: this.frontier.size,
      position: event.position,
      streamId: event.streamId,
      revision: event.revision,
      hash,
    };
    const nodes = this.frontier.append(hash).filter((node) => node.level >= STORED_NODE_MIN_LEVEL);
    this.moveHead(event);
    return { leaf, nodes };
  }

  /** The values a checkpoint of the current size commits (nothing is marked checkpointed). */
  values(): CheckpointValues {
    return {
      treeSize: this.frontier.size,
      rootHash: this.frontier.root(),
      headsCount: this.headsTree.size,
      headsRoot: this.headsTree.root(),
    };
  }

  /** Marks the current size checkpointed; answers the heads that moved since the last one. */
  markCheckpointed(): StreamHead[] {
    const moved = [...this.unsignedHeads.values()];
    this.unsignedHeads.clear();
    this.checkpointSize = this.frontier.size;
    return moved;
  }

  private moveHead(event: LedgerTreeEvent): void {
    let slot = this.slots.get(event.streamId);
    if (slot === undefined) {
      slot = this.headsTree.size;
      this.slots.set(event.streamId, slot);
    }
    const head: StreamHead = {
      slot,
      streamId: event.streamId,
      revision: event.revision,
      hash: event.metadata.hash,
    };
    this.headsTree.set(slot, streamHeadLeafHash(head));
    this.unsignedHeads.set(slot, head);
  }
}

/** The stored tree does not agree with the checkpoint signed over it, or with the events. */
export class StoredTreeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredTreeMismatchError';
  }
}
