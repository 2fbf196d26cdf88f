import pg from 'pg';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { STORED_NODE_MIN_LEVEL } from '../../src/application/ports/ledger-tree.port.js';
import { signCheckpoint } from '../../src/application/ledger/ledger-checkpoint.js';
import { eventLeafHash, streamHeadLeafHash } from '../../src/application/ledger/ledger-leaf.js';
import { MerkleFrontier } from '../../src/application/ledger/merkle/merkle-frontier.js';
import { UpdatableMerkleTree } from '../../src/application/ledger/merkle/updatable-merkle-tree.js';
import type { NoteSigningKey } from '../../src/application/ledger/signed-note.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { inTransaction } from './pg-transaction.js';
import { readWholeFeed } from './read-whole-feed.js';

const TREE_TABLES = [
  'ledger_tree_leaves',
  'ledger_tree_nodes',
  'ledger_tree_heads',
  'ledger_checkpoints',
] as const;

/*
 * Writes the tree tables from the events as the tree builder does, checkpointing at chosen sizes:
 * for testing proofs and verification on their own, with checkpoint sizes a test controls.
 */
export async function writeLedgerTree(
  connectionString: string,
  key: NoteSigningKey,
  checkpointSizes: readonly number[],
): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const store = new PostgresEventStore(pool);
  try {
    const events = await readWholeFeed(store, pool);
    const frontier = MerkleFrontier.empty();
    const heads = UpdatableMerkleTree.fromLeaves([]);
    const slots = new Map<string, number>();
    const headRows = new Map<number, RecordedEvent>();
    await inTransaction(pool, async (client) => {
      // The tree's tables refuse TRUNCATE by trigger: the fixture replaces the tree as only a
      // superuser can, with their triggers off meanwhile.
      for (const table of TREE_TABLES) {
        await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      }
      await client.query(`TRUNCATE ${TREE_TABLES.join(', ')}`);
      for (const table of TREE_TABLES) {
        await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      }
      const sizes = new Set(checkpointSizes);
      for (const event of events) {
        const leaf = eventLeafHash(event);
        const completed = frontier.append(leaf);
        await client.query(
          'INSERT INTO ledger_tree_leaves (leaf_index, position, stream_id, stream_revision, leaf_hash) VALUES ($1, $2, $3, $4, $5)',
          [frontier.size - 1, event.position, event.streamId, event.revision, leaf],
        );
        for (const node of completed.filter((n) => n.level >= STORED_NODE_MIN_LEVEL)) {
          await client.query(
            'INSERT INTO ledger_tree_nodes (level, node_index, hash) VALUES ($1, $2, $3)',
            [node.level, node.index, node.hash],
          );
        }
        const slot = slots.get(event.streamId) ?? slots.size;
        slots.set(event.streamId, slot);
        heads.set(
          slot,
          streamHeadLeafHash({
            streamId: event.streamId,
            revision: event.revision,
            hash: event.metadata.hash,
          }),
        );
        headRows.set(slot, event);
        if (sizes.has(frontier.size)) {
          const note = signCheckpoint(
            {
              origin: key.name,
              treeSize: frontier.size,
              rootHash: frontier.root(),
              headsCount: heads.size,
              headsRoot: heads.root(),
            },
            key,
          );
          await client.query(
            'INSERT INTO ledger_checkpoints (tree_size, root_hash, heads_count, heads_root, note) VALUES ($1, $2, $3, $4, $5)',
            [frontier.size, frontier.root(), heads.size, heads.root(), note],
          );
          for (const [headSlot, head] of headRows) {
            await client.query(
              `INSERT INTO ledger_tree_heads (slot, stream_id, stream_revision, chain_hash) VALUES ($1, $2, $3, $4)
               ON CONFLICT (slot) DO UPDATE SET stream_revision = excluded.stream_revision, chain_hash = excluded.chain_hash`,
              [headSlot, head.streamId, head.revision, head.metadata.hash],
            );
          }
          headRows.clear();
        }
      }
    });
  } finally {
    await store.close();
    await pool.end();
  }
}
