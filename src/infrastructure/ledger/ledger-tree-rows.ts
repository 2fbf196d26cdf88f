import type {
  StoredCheckpoint,
  StreamHead,
  TreeLeaf,
  TreeNode,
} from '../../application/ports/ledger-tree.port.js';

/* The tree tables' rows (migration 008-ledger-tree) as pg returns them, and what they mean. */

export interface LeafRow {
  leaf_index: string;
  position: string;
  stream_id: string;
  stream_revision: string;
  leaf_hash: Buffer;
}

export interface NodeRow {
  level: number;
  node_index: string;
  hash: Buffer;
}

export interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  heads_count: string;
  heads_root: Buffer;
  note: string;
  signed_at: Date;
}

export interface HeadRow {
  slot: string;
  stream_id: string;
  stream_revision: string;
  chain_hash: string;
}

export const LEAF_COLUMNS =
  'leaf_index, position::text AS position, stream_id, stream_revision, leaf_hash';
export const CHECKPOINT_COLUMNS = 'tree_size, root_hash, heads_count, heads_root, note, signed_at';
export const HEAD_COLUMNS = 'slot, stream_id, stream_revision, chain_hash';

export function toLeaf(row: LeafRow): TreeLeaf {
  return {
    index: Number(row.leaf_index),
    position: row.position,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    hash: row.leaf_hash,
  };
}

export function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    headsCount: Number(row.heads_count),
    headsRoot: row.heads_root,
    note: row.note,
    signedAt: row.signed_at,
  };
}

export function toHead(row: HeadRow): StreamHead {
  return {
    slot: Number(row.slot),
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    hash: row.chain_hash,
  };
}

export function toNode(row: NodeRow): TreeNode {
  return { level: row.level, index: Number(row.node_index), hash: row.hash };
}

/* The rows written for them; `signed_at` is the database's clock. */

export function leafRow(leaf: TreeLeaf) {
  return {
    leaf_index: leaf.index,
    position: leaf.position,
    stream_id: leaf.streamId,
    stream_revision: leaf.revision,
    leaf_hash: leaf.hash,
  };
}

export function nodeRow(node: TreeNode) {
  return { level: node.level, node_index: node.index, hash: node.hash };
}

export function checkpointRow(checkpoint: Omit<StoredCheckpoint, 'signedAt'>) {
  return {
    tree_size: checkpoint.treeSize,
    root_hash: checkpoint.rootHash,
    heads_count: checkpoint.headsCount,
    heads_root: checkpoint.headsRoot,
    note: checkpoint.note,
  };
}

export function headRow(head: StreamHead) {
  return {
    slot: head.slot,
    stream_id: head.streamId,
    stream_revision: head.revision,
    chain_hash: head.hash,
  };
}
