import type { Knex } from 'knex';
import type {
  StoredCheckpoint,
  StreamHead,
  TreeLeaf,
  TreeNode,
} from '../../application/ports/ledger-tree.port.js';
import * as treeRows from './ledger-tree-rows.js';

/*
 * Writes (and, to resume, reads) the tree tables of migration 008-ledger-tree inside the
 * ledger-tree projection's transaction. Leaves, nodes and checkpoints are only inserted; a stream's
 * head row is updated in place as the checkpoints move it.
 */

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
    await insertAll(trx, 'ledger_tree_leaves', changes.leaves.map(treeRows.leafRow));
    await insertAll(trx, 'ledger_tree_nodes', changes.nodes.map(treeRows.nodeRow));
    await insertAll(trx, 'ledger_checkpoints', changes.checkpoints.map(treeRows.checkpointRow));
    for (const chunk of chunks(changes.heads.map(treeRows.headRow))) {
      await trx('ledger_tree_heads')
        .insert(chunk)
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

async function insertAll(
  trx: Knex.Transaction,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (const chunk of chunks(rows)) await trx(table).insert(chunk);
}
