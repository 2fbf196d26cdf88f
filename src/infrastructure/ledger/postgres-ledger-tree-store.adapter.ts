import type { Knex } from 'knex';
import type {
  StoredCheckpoint,
  StreamHead,
  TreeLeaf,
  TreeNode,
} from '../../application/ports/ledger-tree.port.js';
import { copyWriter } from '../../projections/copy-writer.js';
import * as treeRows from './ledger-tree-rows.js';

/*
 * Writes (and, to resume, reads) the tree tables of migration 008-ledger-tree inside the
 * ledger-tree projection's transaction. Leaves, nodes and checkpoints are only inserted; a stream's
 * head row is updated in place as the checkpoints move it.
 *
 * The tree writes a row for every event the ledger takes, beside the writers' own, so its rows go
 * in by COPY: one round trip and no statement to parse per batch, and PostgreSQL logs the heap rows
 * of a COPY a page at a time instead of one record each. COPY has no ON CONFLICT, which suits rows
 * that are new by construction: a leaf index, a node or a head slot written twice fails the batch.
 */

const copyLeaves = copyWriter<ReturnType<typeof treeRows.leafRow>>({
  table: 'ledger_tree_leaves',
  columns: ['leaf_index', 'position', 'stream_id', 'stream_revision', 'leaf_hash'],
});

const copyNodes = copyWriter<ReturnType<typeof treeRows.nodeRow>>({
  table: 'ledger_tree_nodes',
  columns: ['level', 'node_index', 'hash'],
});

const copyHeads = copyWriter<ReturnType<typeof treeRows.headRow>>({
  table: 'ledger_tree_heads',
  columns: ['slot', 'stream_id', 'stream_revision', 'chain_hash'],
});

// Slots are dense from 0, so the stored heads are exactly the slots below this.
const STORED_HEADS_SQL = 'SELECT coalesce(max(slot) + 1, 0) AS count FROM ledger_tree_heads';

// Only the head of the same stream moves: a slot holding another stream matches nothing.
const MOVE_HEADS_SQL = `UPDATE ledger_tree_heads AS stored
   SET stream_revision = moved.stream_revision, chain_hash = moved.chain_hash
  FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[])
       AS moved(slot, stream_id, stream_revision, chain_hash)
 WHERE stored.slot = moved.slot AND stored.stream_id = moved.stream_id`;

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
      .select<treeRows.LeafRow[]>(trx.raw(treeRows.LEAF_COLUMNS))
      .where('leaf_index', '>=', from)
      .andWhere('leaf_index', '<', to)
      .orderBy('leaf_index');
    return rows.map(treeRows.toLeaf);
  }

  async nodes(
    trx: Knex.Transaction,
    wanted: readonly { level: number; index: number }[],
  ): Promise<readonly TreeNode[]> {
    if (wanted.length === 0) return [];
    const rows = await trx('ledger_tree_nodes')
      .select<treeRows.NodeRow[]>('level', 'node_index', 'hash')
      .whereIn(
        ['level', 'node_index'],
        wanted.map((node) => [node.level, node.index]),
      );
    return rows.map(treeRows.toNode);
  }

  async latestCheckpoint(trx: Knex.Transaction): Promise<StoredCheckpoint | null> {
    const row = await trx('ledger_checkpoints')
      .orderBy('tree_size', 'desc')
      .first<treeRows.CheckpointRow | undefined>();
    return row ? treeRows.toCheckpoint(row) : null;
  }

  async heads(trx: Knex.Transaction): Promise<readonly StreamHead[]> {
    const rows = await trx('ledger_tree_heads')
      .select<treeRows.HeadRow[]>(trx.raw(treeRows.HEAD_COLUMNS))
      .orderBy('slot');
    return rows.map(treeRows.toHead);
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
    await copyLeaves(trx, changes.leaves.map(treeRows.leafRow));
    await copyNodes(trx, changes.nodes.map(treeRows.nodeRow));
    if (changes.checkpoints.length > 0) {
      await trx('ledger_checkpoints').insert(changes.checkpoints.map(treeRows.checkpointRow));
    }
    await writeHeads(trx, changes.heads);
  }
}

/** Heads of slots already stored move in place; the others are new streams' first heads. */
async function writeHeads(trx: Knex.Transaction, heads: readonly StreamHead[]): Promise<void> {
  if (heads.length === 0) return;
  const { rows } = await trx.raw<{ rows: Array<{ count: string }> }>(STORED_HEADS_SQL);
  const stored = Number(rows[0]?.count ?? 0);
  const moved = heads.filter((head) => head.slot < stored);
  if (moved.length > 0) {
    const { rowCount } = await trx.raw<{ rowCount: number }>(MOVE_HEADS_SQL, [
      moved.map((head) => head.slot),
      moved.map((head) => head.streamId),
      moved.map((head) => head.revision),
      moved.map((head) => head.hash),
    ]);
    if (rowCount !== moved.length) {
      throw new Error(
        `${moved.length - rowCount} of ${moved.length} moved stream heads are not the stored heads of their slots`,
      );
    }
  }
  await copyHeads(trx, heads.filter((head) => head.slot >= stored).map(treeRows.headRow));
}
