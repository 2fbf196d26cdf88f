import { sqlMigration } from './migration.js';

/*
 * The ledger's Merkle tree (docs/architecture.md, "Ledger integrity"), kept so proofs are answered
 * without recomputing it: one row per event in feed order, the perfect subtrees of 2^8 leaves and
 * more, the stream heads as the newest checkpoint committed them, and the signed checkpoints.
 * Leaves, nodes and checkpoints are only ever inserted; the heads are updated with each checkpoint.
 */
export const ledgerTreeMigration = sqlMigration('008-ledger-tree', {
  up: `
      CREATE TABLE ledger_tree_leaves (
        leaf_index bigint PRIMARY KEY,
        position numeric(40) NOT NULL UNIQUE,
        stream_id text NOT NULL,
        stream_revision bigint NOT NULL,
        leaf_hash bytea NOT NULL
      );
      CREATE TABLE ledger_tree_nodes (
        level smallint,
        node_index bigint,
        hash bytea NOT NULL,
        PRIMARY KEY (level, node_index)
      );
      CREATE TABLE ledger_tree_heads (
        slot bigint PRIMARY KEY,
        stream_id text NOT NULL UNIQUE,
        stream_revision bigint NOT NULL,
        chain_hash text NOT NULL
      );
      CREATE TABLE ledger_checkpoints (
        tree_size bigint PRIMARY KEY,
        root_hash bytea NOT NULL,
        heads_count bigint NOT NULL,
        heads_root bytea NOT NULL,
        note text NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  down: `
      DROP TABLE ledger_checkpoints;
      DROP TABLE ledger_tree_heads;
      DROP TABLE ledger_tree_nodes;
      DROP TABLE ledger_tree_leaves;
    `,
});
