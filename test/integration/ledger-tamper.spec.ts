import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type pg from 'pg';
import { chainHash, computeContentHash } from '../../src/application/ledger/event-integrity.js';
import { signCheckpoint } from '../../src/application/ledger/ledger-checkpoint.js';
import type { LedgerProblemKind } from '../../src/application/ledger/ledger-verification.js';
import { ledgerPublicKey } from '../../src/application/ledger/ledger-public-key.js';
import { generateSigningKey } from '../../src/application/ledger/signed-note.js';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import {
  buildLedgerIntegrity,
  type LedgerIntegrity,
} from '../../src/composition/ledger-integrity.js';
import { PostgresLedgerLookup } from '../../src/infrastructure/event-store/postgres/postgres-ledger-lookup.adapter.js';
import { checkpointFileName } from '../../src/infrastructure/ledger/checkpoint-file-name.js';
import type { DirectoryCheckpointArchive } from '../../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { sleep, testEvents } from '../support/event-store-fixtures.js';
import { inTransaction } from '../support/pg-transaction.js';
import {
  TEST_ORIGIN,
  expectedTree,
  ledgerTreeRunner,
  temporaryArchive,
} from './ledger-tree-support.js';
import { openKnex } from './projections-support.js';

/*
 * Each tamper is what an insider with superuser rights can do straight in SQL, against checkpoints
 * the ledger-tree projection signed and archived. Whole-ledger verification and the check of the
 * stream concerned (the one the timeline and `verify <callId>` run) must both catch it, and pass
 * again once it is undone.
 */

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

const TABLES = [
  'ledger_events',
  'ledger_streams',
  'ledger_checkpoints',
  'ledger_tree_leaves',
  'ledger_tree_nodes',
  'ledger_tree_heads',
];

describe('tampering with the ledger is caught', () => {
  const signingKey = generateSigningKey(TEST_ORIGIN);
  const otherKey = generateSigningKey(TEST_ORIGIN);
  let ledger: PostgresLedger;
  let knex: Knex;
  let archive: DirectoryCheckpointArchive;
  let integrity: LedgerIntegrity;
  const calls = Array.from({ length: 8 }, () => `call-${randomUUID()}`);
  const [callA, callB, callC] = calls as [string, string, string];

  /** Runs `work` as the superuser with every user trigger of the ledger's tables off. */
  async function asSuperuser(work: (client: pg.PoolClient) => Promise<unknown>): Promise<void> {
    await inTransaction(ledger.pool, async (client) => {
      for (const table of TABLES) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await work(client);
      for (const table of TABLES) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    });
  }

  async function verifyAll() {
    return integrity.verifier().verify();
  }

  async function verifyStream(streamId: string) {
    return (await integrity.streams.verify(streamId, await ledger.store.readStream(streamId)))
      .integrity;
  }

  async function expectIntact(): Promise<void> {
    const report = await verifyAll();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ verified: true, notYetCheckpointed: 0 });
    for (const streamId of [callA, callB, callC]) {
      expect(await verifyStream(streamId)).toMatchObject({ verified: true, status: 'verified' });
    }
  }

  async function eventRow(
    streamId: string,
    revision: number,
  ): Promise<{ transaction_id: string; position: string }> {
    const { rows } = await ledger.pool.query<{ transaction_id: string; position: string }>(
      'SELECT transaction_id::text, position::text FROM ledger_events WHERE stream_id = $1 AND stream_revision = $2',
      [streamId, revision],
    );
    return rows[0] as { transaction_id: string; position: string };
  }

  /** Rewrites revisions from..end of a stream with `edit` applied, each hash recomputed. */
  async function rechain(
    client: pg.PoolClient,
    events: readonly RecordedEvent[],
    from: number,
  ): Promise<void> {
    let previous = events[from - 1]?.metadata.hash ?? null;
    for (const event of events.slice(from)) {
      const { hash: _hash, previousHash: _previous, ...metadata } = event.metadata;
      const hash = chainHash(previous, computeContentHash({ ...event, metadata }));
      await client.query(
        `UPDATE ledger_events SET data = $3, metadata = $4 WHERE stream_id = $1 AND stream_revision = $2`,
        [event.streamId, event.revision, event.data, { ...metadata, hash, previousHash: previous }],
      );
      previous = hash;
    }
    await client.query(
      'UPDATE ledger_streams SET revision = $2, last_hash = $3 WHERE stream_id = $1',
      [events[0]?.streamId, events.at(-1)?.revision, previous],
    );
  }

  beforeAll(async () => {
    ledger = await createPostgresLedger({ idleReadMs: 30, listenRetryMs: 50 });
    knex = openKnex(ledger.database.connectionString);
    archive = await temporaryArchive();
    integrity = buildLedgerIntegrity(
      ledger.pool,
      ledger.store,
      new PostgresLedgerLookup(ledger.pool),
      ledgerPublicKey(signingKey, TEST_ORIGIN),
      archive,
    );
    const { runner } = ledgerTreeRunner({
      store: ledger.store,
      knex,
      pool: ledger.pool,
      signingKey,
      archive,
      intervalMs: 50,
    });
    runner.start();
    const total = 5 * (calls.length + 300);
    try {
      // Enough events for stored nodes and several checkpoints (one after at most 1000 events).
      for (let round = 0; round < 5; round += 1) {
        for (const streamId of calls)
          await ledger.store.appendToStream(streamId, testEvents(1), { expectedRevision: 'any' });
        await ledger.store.appendToStream(`quality-${randomUUID()}`, testEvents(300), {
          expectedRevision: 'no_stream',
        });
      }
      await until(
        async () => (await integrity.tree.latestCheckpoint())?.treeSize === total,
        `a checkpoint of all ${total} events`,
      );
    } finally {
      await runner.stop();
    }
    await until(
      async () => (await archive.latest())?.treeSize === total,
      'the archive to hold the newest checkpoint',
    );
  }, 60_000);

  afterAll(async () => {
    await knex?.destroy();
    await ledger?.cleanup();
  });

  /** Keeps every table as it is, runs `work`, then puts every table back and checks it is intact. */
  async function withTablesRestored(work: () => Promise<void>): Promise<void> {
    await asSuperuser(async (client) => {
      for (const table of TABLES)
        await client.query(`CREATE TABLE backup_${table} AS SELECT * FROM ${table}`);
    });
    try {
      await work();
    } finally {
      await asSuperuser(async (client) => {
        for (const table of TABLES) {
          await client.query(`DELETE FROM ${table}`);
          await client.query(`INSERT INTO ${table} SELECT * FROM backup_${table}`);
          await client.query(`DROP TABLE backup_${table}`);
        }
      });
    }
    await expectIntact();
  }

  /** Runs the tamper as the superuser, checks both verifications catch it, and undoes it. */
  function tamper(
    change: (client: pg.PoolClient) => Promise<unknown>,
    expected: { kinds: LedgerProblemKind[]; stream: string | null },
  ): Promise<void> {
    return withTablesRestored(async () => {
      await asSuperuser(async (client) => {
        await change(client);
      });
      const report = await verifyAll();
      expect(report.verified).toBe(false);
      expect(report.problems.map((problem) => problem.kind)).toEqual(
        expect.arrayContaining(expected.kinds),
      );
      if (expected.stream !== null) {
        expect(await verifyStream(expected.stream)).toMatchObject({
          verified: false,
          status: 'failed',
        });
      }
    });
  }

  it('verifies the untouched ledger, its checkpoints signed and archived by the tree builder', async () => {
    const report = await verifyAll();
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(2);
    expect(report.archive?.newest).toBe(report.newestCheckpoint);
    await expectIntact();
  });

  it('catches an edited payload, naming the stream and the position', async () => {
    const [, edited] = await ledger.store.readStream(callA);
    await tamper(
      (client) =>
        client.query(
          `UPDATE ledger_events SET data = jsonb_set(data, '{forged}', 'true') WHERE stream_id = $1 AND stream_revision = 1`,
          [callA],
        ),
      { kinds: ['chain'], stream: callA },
    );
    await withTablesRestored(async () => {
      await asSuperuser((client) =>
        client.query(
          `UPDATE ledger_events SET data = '{}' WHERE stream_id = $1 AND stream_revision = 1`,
          [callA],
        ),
      );
      const report = await verifyAll();
      expect(report.problems[0]).toMatchObject({
        kind: 'chain',
        streamId: callA,
        position: edited?.position,
      });
    });
  });

  it("catches a stream's last events deleted, even with the store's head rewound", async () => {
    const events = await ledger.store.readStream(callA);
    await tamper(
      async (client) => {
        await client.query(
          'DELETE FROM ledger_events WHERE stream_id = $1 AND stream_revision >= 3',
          [callA],
        );
        await client.query(
          'UPDATE ledger_streams SET revision = 2, last_hash = $2 WHERE stream_id = $1',
          [callA, events[2]?.metadata.hash],
        );
      },
      // The heads differ too at any checkpoint signed between the removed events and the end;
      // whether there is one depends on when the builder signed, so only the root is certain.
      { kinds: ['checkpoint_root'], stream: callA },
    );
    // With the store's head left as it was, the store's head alone tells.
    await tamper(
      (client) =>
        client.query('DELETE FROM ledger_events WHERE stream_id = $1 AND stream_revision = 4', [
          callA,
        ]),
      { kinds: ['stream_head', 'checkpoint_root'], stream: callA },
    );
  });

  it('catches a whole stream deleted', async () => {
    await tamper(
      async (client) => {
        await client.query('DELETE FROM ledger_events WHERE stream_id = $1', [callB]);
        await client.query('DELETE FROM ledger_streams WHERE stream_id = $1', [callB]);
      },
      { kinds: ['checkpoint_root', 'checkpoint_heads'], stream: null },
    );
  });

  it("catches an edited event whose stream's chain and head were recomputed", async () => {
    const events = await ledger.store.readStream(callC);
    const edited = events.map((event, i) =>
      i === 1 ? { ...event, data: { ...event.data, forged: true } } : event,
    );
    await tamper((client) => rechain(client, edited, 1), {
      kinds: ['checkpoint_root', 'tree_leaf'],
      stream: callC,
    });
  });

  it('catches events reordered', async () => {
    const a = await eventRow(callA, 1);
    const b = await eventRow(callB, 1);
    await tamper(
      async (client) => {
        const move = `UPDATE ledger_events SET transaction_id = $3::text::xid8, position = $4
                       WHERE transaction_id = $1::text::xid8 AND position = $2`;
        await client.query(move, [a.transaction_id, a.position, '1', '-1']);
        await client.query(move, [b.transaction_id, b.position, a.transaction_id, a.position]);
        await client.query(move, ['1', '-1', b.transaction_id, b.position]);
      },
      { kinds: ['checkpoint_root', 'tree_leaf'], stream: callA },
    );
  });

  it('catches a forged event appended with a recomputed chain, dated among checkpointed ones', async () => {
    const events = await ledger.store.readStream(callA);
    const last = events.at(-1) as RecordedEvent;
    const at = await eventRow(callA, last.revision);
    await tamper(
      async (client) => {
        const [template] = testEvents(1);
        const metadata = template!.metadata;
        const forged = {
          eventId: randomUUID(),
          streamId: callA,
          type: 'CallEnded',
          version: 1,
          data: { forged: true },
          metadata,
        };
        const hash = chainHash(last.metadata.hash, computeContentHash(forged));
        await client.query(
          `INSERT INTO ledger_events (transaction_id, position, event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at)
           VALUES ($1::text::xid8, (SELECT max(position) + 1 FROM ledger_events), $2, $3, $4, $5, 1, $6, $7, now())`,
          [
            at.transaction_id,
            forged.eventId,
            callA,
            last.revision + 1,
            forged.type,
            forged.data,
            { ...metadata, hash, previousHash: last.metadata.hash },
          ],
        );
        await client.query(
          'UPDATE ledger_streams SET revision = $2, last_hash = $3 WHERE stream_id = $1',
          [callA, last.revision + 1, hash],
        );
      },
      { kinds: ['checkpoint_root'], stream: callA },
    );
  });

  it('catches the stored stream heads rewritten, which heads proofs are served from', async () => {
    const events = await ledger.store.readStream(callA);
    await tamper(
      (client) =>
        client.query(
          'UPDATE ledger_tree_heads SET stream_revision = 2, chain_hash = $2 WHERE stream_id = $1',
          [callA, events[2]?.metadata.hash],
        ),
      { kinds: ['checkpoint_heads'], stream: callA },
    );
  });

  it("catches the database's newest checkpoint deleted, the archive still holding it", async () => {
    await tamper(
      (client) =>
        client.query(
          'DELETE FROM ledger_checkpoints WHERE tree_size = (SELECT max(tree_size) FROM ledger_checkpoints)',
        ),
      { kinds: ['checkpoint_missing'], stream: callA },
    );
  });

  it("catches the database's newest checkpoint replaced", async () => {
    await tamper(
      async (client) => {
        const newest = await integrity.tree.latestCheckpoint();
        const note = signCheckpoint({ origin: TEST_ORIGIN, ...newest! }, otherKey);
        await client.query('UPDATE ledger_checkpoints SET note = $2 WHERE tree_size = $1', [
          newest!.treeSize,
          note,
        ]);
      },
      { kinds: ['checkpoint_signature', 'checkpoint_missing'], stream: callA },
    );
  });

  it('catches a rewritten ledger re-signed with the real key, from the older checkpoints archived', async () => {
    const events = await ledger.store.readStream(callC);
    const edited = events.map((event, i) =>
      i === 1 ? { ...event, data: { ...event.data, forged: true } } : event,
    );
    const resigned = await temporaryArchive();
    const copied: number[] = [];
    const { rows: position } = await ledger.pool.query(
      "SELECT * FROM projection_checkpoints WHERE name = 'ledger-tree'",
    );
    await withTablesRestored(async () => {
      try {
        // The rewrite, and the tree and its checkpoints thrown away so that they are built again.
        await asSuperuser(async (client) => {
          await rechain(client, edited, 1);
          for (const table of TABLES.filter(
            (name) => name.startsWith('ledger_tree') || name === 'ledger_checkpoints',
          ))
            await client.query(`DELETE FROM ${table}`);
          await client.query("DELETE FROM projection_checkpoints WHERE name = 'ledger-tree'");
        });
        await ledger.store.appendToStream(callA, testEvents(1), { expectedRevision: 'any' });
        const { rows: counted } = await ledger.pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM ledger_events',
        );
        const total = Number(counted[0]?.n);
        // A builder that saw only an empty archive signs the rewrite with the ledger's own key.
        const { runner, publisher } = ledgerTreeRunner({
          store: ledger.store,
          knex,
          pool: ledger.pool,
          signingKey,
          archive: resigned,
          intervalMs: 50,
        });
        runner.start();
        try {
          await until(
            async () => (await integrity.tree.latestCheckpoint())?.treeSize === total,
            `the rewrite re-signed at ${total}`,
          );
        } finally {
          await runner.stop();
          await publisher.idle();
        }
        // Whatever sizes the archive does not hold yet reach it, as publishing them would.
        for (const size of await resigned.sizes(null, 10_000)) {
          if ((await archive.at(size)) !== null) continue;
          await archive.publish(size, (await resigned.at(size)) as string);
          copied.push(size);
        }
        expect(await archive.latest()).toEqual(await resigned.latest());

        const report = await verifyAll();
        expect(report.verified).toBe(false);
        expect(report.problems.map((problem) => problem.kind)).toEqual(
          expect.arrayContaining(['checkpoint_missing', 'checkpoint_root']),
        );
        expect(report.problems[0]?.message).toMatch(/the database lost it|was replaced/);
      } finally {
        for (const size of copied) await rm(path.join(archive.location, checkpointFileName(size)));
        await ledger.pool.query("DELETE FROM projection_checkpoints WHERE name = 'ledger-tree'");
        for (const row of position)
          await ledger.pool.query(
            'INSERT INTO projection_checkpoints (name, position, events_applied, updated_at) VALUES ($1, $2, $3, $4)',
            [row.name, row.position, row.events_applied, row.updated_at],
          );
      }
    });
  });

  it('catches a checkpoint signed with another key', async () => {
    await withTablesRestored(async () => {
      // A new event and a checkpoint over it, as if the tree builder had signed it.
      await ledger.store.appendToStream(callA, testEvents(1), { expectedRevision: 'any' });
      const expected = await expectedTree(ledger.store, ledger.pool);
      const size = expected.events.length;
      const heads = expected.headsAt(size);
      const rootHash = expected.rootAt(size);
      const note = signCheckpoint(
        {
          origin: TEST_ORIGIN,
          treeSize: size,
          rootHash,
          headsCount: heads.count,
          headsRoot: heads.root,
        },
        otherKey,
      );
      await asSuperuser((client) =>
        client.query(
          'INSERT INTO ledger_checkpoints (tree_size, root_hash, heads_count, heads_root, note) VALUES ($1, $2, $3, $4, $5)',
          [size, rootHash, heads.count, heads.root, note],
        ),
      );
      const report = await verifyAll();
      expect(report.verified).toBe(false);
      expect(report.problems[0]).toMatchObject({ kind: 'checkpoint_signature', checkpoint: size });
      expect(await verifyStream(callA)).toMatchObject({ verified: false, status: 'failed' });
    });
  });
});
