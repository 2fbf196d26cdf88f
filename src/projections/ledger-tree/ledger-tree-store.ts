import type { Knex } from 'knex';
import type {
  StoredCheckpoint,
  StreamHead,
  TreeLeaf,
  TreeNode,
} from '../../application/ports/ledger-tree.port.js';

/** A checkpoint about to be stored: what was signed, and the signed note. */
export type NewCheckpoint = Omit<StoredCheckpoint, 'signedAt'>;

/** What one transaction of the ledger-tree projection adds to the tree tables. */
export interface LedgerTreeChanges {
  readonly leaves: readonly TreeLeaf[];
  /** Perfect subtrees of level >= STORED_NODE_MIN_LEVEL completed by those leaves. */
  readonly nodes: readonly TreeNode[];
  readonly checkpoints: readonly NewCheckpoint[];
  /** Heads that moved up to the newest of those checkpoints, to be stored as it committed them. */
  readonly heads: readonly StreamHead[];
}

/**
 * The tree tables as the ledger-tree projection reads and writes them, always inside the
 * runner's transaction, so they change together with the projection's position.
 */
export interface LedgerTreeStore {
  /** How many leaves are stored. */
  size(trx: Knex.Transaction): Promise<number>;
  leaves(trx: Knex.Transaction, from: number, to: number): Promise<readonly TreeLeaf[]>;
  nodes(
    trx: Knex.Transaction,
    wanted: readonly { level: number; index: number }[],
  ): Promise<readonly TreeNode[]>;
  latestCheckpoint(trx: Knex.Transaction): Promise<StoredCheckpoint | null>;
  /** Every stored head, in slot order. */
  heads(trx: Knex.Transaction): Promise<readonly StreamHead[]>;
  write(trx: Knex.Transaction, changes: LedgerTreeChanges): Promise<void>;
}
