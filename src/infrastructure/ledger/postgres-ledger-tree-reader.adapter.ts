import type pg from 'pg';
import type { LedgerPosition } from '../../application/ports/event-store.port.js';
import type {
  LedgerTreeReader,
  StoredCheckpoint,
  StreamHead,
  TreeLeaf,
  TreeNode,
} from '../../application/ports/ledger-tree.port.js';
import * as treeRows from './ledger-tree-rows.js';

/*
 * Reads the tree tables of migration 008-ledger-tree. Every statement is prepared once per
 * connection (named), and a proof needs at most two of them, so it answers in a few milliseconds
 * whatever the ledger's size.
 */

const LEAF_AT = {
  name: 'ledger_tree_leaf_at',
  text: `SELECT ${treeRows.LEAF_COLUMNS} FROM ledger_tree_leaves WHERE position = $1::numeric`,
};

const LATEST_CHECKPOINT = {
  name: 'ledger_checkpoint_latest',
  text: `SELECT ${treeRows.CHECKPOINT_COLUMNS} FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1`,
};

const CHECKPOINT_AT = {
  name: 'ledger_checkpoint_at',
  text: `SELECT ${treeRows.CHECKPOINT_COLUMNS} FROM ledger_checkpoints WHERE tree_size = $1`,
};

const HEAD_OF = {
  name: 'ledger_tree_head_of',
  text: `SELECT ${treeRows.HEAD_COLUMNS} FROM ledger_tree_heads WHERE stream_id = $1`,
};

export class PostgresLedgerTreeReader implements LedgerTreeReader {
  constructor(private readonly pool: pg.Pool) {}

  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string }>({
      name: 'ledger_tree_size',
      text: 'SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM ledger_tree_leaves',
    });
    return Number(rows[0]?.size ?? 0);
  }

  leafAt(position: LedgerPosition): Promise<TreeLeaf | null> {
    return this.first(LEAF_AT, [position], treeRows.toLeaf);
  }

  async leaves(from: number, to: number): Promise<readonly TreeLeaf[]> {
    if (to <= from) return [];
    const { rows } = await this.pool.query<treeRows.LeafRow>({
      name: 'ledger_tree_leaves',
      text: `SELECT ${treeRows.LEAF_COLUMNS} FROM ledger_tree_leaves
              WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      values: [from, to],
    });
    return rows.map(treeRows.toLeaf);
  }

  async nodes(wanted: readonly { level: number; index: number }[]): Promise<readonly TreeNode[]> {
    if (wanted.length === 0) return [];
    const { rows } = await this.pool.query<treeRows.NodeRow>({
      name: 'ledger_tree_nodes',
      text: `SELECT n.level, n.node_index, n.hash
               FROM unnest($1::smallint[], $2::bigint[]) AS w(level, node_index)
               JOIN ledger_tree_nodes n USING (level, node_index)`,
      values: [wanted.map((node) => node.level), wanted.map((node) => node.index)],
    });
    return rows.map(treeRows.toNode);
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.first(LATEST_CHECKPOINT, [], treeRows.toCheckpoint);
  }

  checkpointAt(treeSize: number): Promise<StoredCheckpoint | null> {
    return this.first(CHECKPOINT_AT, [treeSize], treeRows.toCheckpoint);
  }

  async checkpoints(after: number, limit: number): Promise<readonly StoredCheckpoint[]> {
    const { rows } = await this.pool.query<treeRows.CheckpointRow>({
      name: 'ledger_checkpoints_after',
      text: `SELECT ${treeRows.CHECKPOINT_COLUMNS} FROM ledger_checkpoints
              WHERE tree_size > $1 ORDER BY tree_size LIMIT $2`,
      values: [after, limit],
    });
    return rows.map(treeRows.toCheckpoint);
  }

  async heads(): Promise<readonly StreamHead[]> {
    const { rows } = await this.pool.query<treeRows.HeadRow>({
      name: 'ledger_tree_heads',
      text: `SELECT ${treeRows.HEAD_COLUMNS} FROM ledger_tree_heads ORDER BY slot`,
    });
    return rows.map(treeRows.toHead);
  }

  headOf(streamId: string): Promise<StreamHead | null> {
    return this.first(HEAD_OF, [streamId], treeRows.toHead);
  }

  /** The first row the statement answers, as `toValue` reads it; null when there is none. */
  private async first<Row extends pg.QueryResultRow, Value>(
    statement: { readonly name: string; readonly text: string },
    values: readonly unknown[],
    toValue: (row: Row) => Value,
  ): Promise<Value | null> {
    const { rows } = await this.pool.query<Row>({ ...statement, values: [...values] });
    return rows[0] ? toValue(rows[0]) : null;
  }
}
