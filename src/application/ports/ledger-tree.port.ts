import type { LedgerPosition } from './event-store.port.js';

/*
 * Where the ledger's Merkle tree is kept between requests: its leaves in feed order, the hashes of
 * its larger perfect subtrees, the stream heads as of the newest checkpoint, and the signed
 * checkpoints. None of it is trusted by a verifier: the leaves are recomputed from the events and
 * the checkpoints' signatures are checked; it exists so proofs are answered in milliseconds.
 */

/** One event's place in the tree. */
export interface TreeLeaf {
  /** 0-based index in feed order. */
  readonly index: number;
  readonly position: LedgerPosition;
  readonly streamId: string;
  readonly revision: number;
  /** RFC 9162 leaf hash (32 bytes). */
  readonly hash: Buffer;
}

/** The hash of the perfect subtree covering leaves [index * 2^level, (index + 1) * 2^level). */
export interface TreeNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/** A stream's head as committed by a checkpoint: its slot in the heads tree and last event. */
export interface StreamHead {
  /** 0-based, in the order streams first appeared in the feed. */
  readonly slot: number;
  readonly streamId: string;
  readonly revision: number;
  /** The chain hash (hex) of the stream's event at `revision`. */
  readonly hash: string;
}

/** A signed checkpoint as stored: the whole signed note and the values parsed from it. */
export interface StoredCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly headsCount: number;
  readonly headsRoot: Buffer;
  /** The C2SP signed note, byte for byte as signed. */
  readonly note: string;
  readonly signedAt: Date;
}

/**
 * Perfect subtrees from this level up are stored; smaller ones are recomputed from the leaves
 * (at most 2^level - 1 of them per proof), which keeps the stored nodes to 1/128 of the leaves.
 */
export const STORED_NODE_MIN_LEVEL = 8;

export interface LedgerTreeReader {
  /** How many leaves the tree holds (its size as built so far, checkpointed or not). */
  size(): Promise<number>;
  leafAt(position: LedgerPosition): Promise<TreeLeaf | null>;
  /** Leaves with from <= index < to, in index order. */
  leaves(from: number, to: number): Promise<readonly TreeLeaf[]>;
  /** The stored nodes among those asked for (level >= STORED_NODE_MIN_LEVEL). */
  nodes(wanted: readonly { level: number; index: number }[]): Promise<readonly TreeNode[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  checkpointAt(treeSize: number): Promise<StoredCheckpoint | null>;
  /** Checkpoints in size order, oldest first, with treeSize > after. */
  checkpoints(after: number, limit: number): Promise<readonly StoredCheckpoint[]>;
  /** The heads committed by the newest checkpoint, in slot order. */
  heads(): Promise<readonly StreamHead[]>;
  headOf(streamId: string): Promise<StreamHead | null>;
}

/** The second place checkpoints are kept: one a database insider does not control. */
export interface CheckpointArchive {
  /** A description for operators and reports (a directory or s3://bucket/prefix). */
  readonly location: string;
  /** Stores a checkpoint under its tree size; storing the same note twice is a no-op. */
  publish(treeSize: number, note: string): Promise<void>;
  /** The newest archived checkpoint's note, or null when none is archived. */
  latest(): Promise<{ treeSize: number; note: string } | null>;
  /** The archived note for this tree size, or null. */
  at(treeSize: number): Promise<string | null>;
  /** Archived tree sizes above `after` (all, when null), smallest first, at most `limit`. */
  sizes(after: number | null, limit: number): Promise<readonly number[]>;
}
