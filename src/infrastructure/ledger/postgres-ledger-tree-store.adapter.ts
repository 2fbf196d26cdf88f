import type { Knex } from 'knex';
import type {
  StoredCheckpoint,
  StreamHead,
  TreeLeaf,
  TreeNode,
} from '../../application/ports/ledger-tree.port.js';

/*
 * Writes (and, to resume, reads) the tree tables of migration 008-ledger-tree inside the
 * ledger-tree projection's transaction. Leaves, nodes and checkpoints are only inserted; a stream's
 * head row is updated in place as the checkpoints move it.
 */

interface LeafRow {
  leaf_index: string;
  position: string;
  stream_id: string;
  stream_revision: string;
  leaf_hash: Buffer;
}

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  heads_count: string;
  heads_root: Buffer;
  note: string;
  signed_at: Date;
}

interface HeadRow {
  slot: string;
  stream_id: string;
  stream_revision: string;
  chain_hash: string;
}

/** Rows per INSERT: 5 parameters a leaf stays far below PostgreSQL's 65535. */
const ROWS_PER_INSERT = 2000;

export class PostgresLedgerTreeStore {
  async size(trx: Knex.Transaction): Promise<number> {
    const row = await trx('ledger_tree_leaves').first<{ size: string }>(
      trx.raw('coalesce(max(leaf_index) + 1, 0) AS size'),
    );
    return Number(row?.size ?? 0);
  }

  async leaves(trx: Knex.Transaction, from: number, to: number): Promise<readonly TreeLeaf[]> {
    if (to <= from) return [];
    const rows = await trx('ledger_tree_leaves')
      .select<LeafRow[]>(
        'leaf_index',
        trx.raw('position::text AS position'),
        'stream_id',
        'stream_revision',
        'leaf_hash',
      )
      .where('leaf_index', '>=', from)
      .andWhere('leaf_index', '<', to)
      .orderBy('leaf_index');
    return rows.map((row) => ({
      index: Number(row.leaf_index),
      position: row.position,
      streamId: row.stream_id,
      revision: Number(row.stream_revision),
      hash: row.leaf_hash,
    }));
  }

  async nodes(
    trx: Knex.Transaction,
    wanted: readonly { level: number; index: number }[],
  ): Promise<readonly TreeNode[]> {
    if (wanted.length === 0) return [];
    const rows = await trx('ledger_tree_nodes')
      .select<Array<{ level: number; node_index: string; hash: Buffer }>>(
        'level',
        'node_index',
        'hash',
      )
      .whereIn(
        ['level', 'node_index'],
        wanted.map((node) => [node.level, node.index]),
      );
    return rows.map((row) => ({ level: row.level, index: Number(row.node_index), hash: row.hash }));
  }

  async latestCheckpoint(trx: Knex.Transaction): Promise<StoredCheckpoint | null> {
    const row = await trx('ledger_checkpoints')
      .orderBy('tree_size', 'desc')
      .first<CheckpointRow | undefined>();
    if (!row) return null;
    return {
      treeSize: Number(row.tree_size),
      rootHash: row.root_hash,
      headsCount: Number(row.heads_count),
      headsRoot: row.heads_root,
      note: row.note,
      signedAt: row.signed_at,
    };
  }

  async heads(trx: Knex.Transaction): Promise<readonly StreamHead[]> {
    const rows = await trx('ledger_tree_heads')
      .select<HeadRow[]>('slot', 'stream_id', 'stream_revision', 'chain_hash')
      .orderBy('slot');
    return rows.map((row) => ({
      slot: Number(row.slot),
      streamId: row.stream_id,
      revision: Number(row.stream_revision),
      hash: row.chain_hash,
    }));
  }

  async write(
    trx: Knex.Transaction,
    changes: {
      readonly leaves: readonly TreeLeaf[];
      readonly nodes: readonly TreeNode[];
      readonly checkpoints: readonly Omit<StoredCheckpoint, 'signedAt'>[];
      readonly heads: readonly StreamHead[];
    },
  ): Promise<void> {
    for (const chunk of chunks(changes.leaves)) {
      await trx('ledger_tree_leaves').insert(
        chunk.map((leaf) => ({
          leaf_index: leaf.index,
          position: leaf.position,
          stream_id: leaf.streamId,
          stream_revision: leaf.revision,
          leaf_hash: leaf.hash,
        })),
      );
    }
    if (changes.nodes.length > 0) {
      await trx('ledger_tree_nodes').insert(
        changes.nodes.map((node) => ({
          level: node.level,
          node_index: node.index,
          hash: node.hash,
        })),
      );
    }
    if (changes.checkpoints.length > 0) {
      await trx('ledger_checkpoints').insert(
        changes.checkpoints.map((checkpoint) => ({
          tree_size: checkpoint.treeSize,
          root_hash: checkpoint.rootHash,
          heads_count: checkpoint.headsCount,
          heads_root: checkpoint.headsRoot,
          note: checkpoint.note,
        })),
      );
    }
    for (const chunk of chunks(changes.heads)) {
      await trx('ledger_tree_heads')
        .insert(
          chunk.map((head) => ({
            slot: head.slot,
            stream_id: head.streamId,
            stream_revision: head.revision,
            chain_hash: head.hash,
          })),
        )
        .onConflict('slot')
        .merge(['stream_revision', 'chain_hash']);
    }
  }
}

function* chunks<T>(items: readonly T[]): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += ROWS_PER_INSERT) {
    yield items.slice(start, start + ROWS_PER_INSERT);
  }
}
