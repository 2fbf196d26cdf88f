import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { StreamHead, TreeLeaf } from '../../src/application/ports/ledger-tree.port.js';
import { PostgresLedgerTreeStore } from '../../src/infrastructure/ledger/postgres-ledger-tree-store.adapter.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { openKnex } from './projections-support.js';

const hashOf = (text: string): Buffer => createHash('sha256').update(text).digest();

function leaf(index: number, streamId: string): TreeLeaf {
  return {
    index,
    position: String(1000 + index),
    streamId,
    revision: 0,
    hash: hashOf(`leaf ${index}`),
  };
}

function head(slot: number, streamId: string, revision: number): StreamHead {
  return { slot, streamId, revision, hash: hashOf(`${streamId}@${revision}`).toString('hex') };
}

const nothing = { leaves: [], nodes: [], checkpoints: [], heads: [] };

describe('the ledger tree tables as the tree builder writes them', () => {
  const store = new PostgresLedgerTreeStore();
  let ledger: PostgresLedger;
  let knex: Knex;

  beforeAll(async () => {
    ledger = await createPostgresLedger();
    knex = openKnex(ledger.database.connectionString);
  });

  afterAll(async () => {
    await knex?.destroy();
    await ledger?.cleanup();
  });

  it('stores leaves and heads byte for byte, and moves a stored head in place', async () => {
    const streams = ['call-a', 'call-b\twith a tab', 'call-c'];
    await knex.transaction((trx) =>
      store.write(trx, {
        ...nothing,
        leaves: streams.map((streamId, index) => leaf(index, streamId)),
        heads: streams.map((streamId, slot) => head(slot, streamId, 0)),
      }),
    );
    await knex.transaction((trx) =>
      store.write(trx, {
        ...nothing,
        heads: [head(1, streams[1] as string, 4), head(3, 'call-d', 0)],
      }),
    );

    await knex.transaction(async (trx) => {
      expect(await store.size(trx)).toBe(3);
      expect(await store.leaves(trx, 0, 3)).toEqual(
        streams.map((streamId, index) => leaf(index, streamId)),
      );
      expect(await store.heads(trx)).toEqual([
        head(0, 'call-a', 0),
        head(1, 'call-b\twith a tab', 4),
        head(2, 'call-c', 0),
        head(3, 'call-d', 0),
      ]);
    });
  });

  it('refuses to move a head into a slot that holds another stream, writing nothing', async () => {
    await expect(
      knex.transaction((trx) =>
        store.write(trx, {
          ...nothing,
          leaves: [leaf(3, 'call-e')],
          heads: [head(0, 'call-e', 0)],
        }),
      ),
    ).rejects.toThrow(/1 of 1 moved stream heads are not the stored heads of their slots/);

    await knex.transaction(async (trx) => {
      expect(await store.size(trx)).toBe(3);
      expect((await store.heads(trx))[0]).toEqual(head(0, 'call-a', 0));
    });
  });

  it('refuses a leaf index written twice', async () => {
    await expect(
      knex.transaction((trx) =>
        store.write(trx, { ...nothing, leaves: [{ ...leaf(2, 'call-c'), position: '5000' }] }),
      ),
    ).rejects.toThrow(/ledger_tree_leaves_pkey/);
  });
});
