import { readdir, readFile } from 'node:fs/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import { openCheckpoint, signCheckpoint } from '../../src/application/ledger/ledger-checkpoint.js';
import {
  formatVerifierKey,
  generateSigningKey,
  openNote,
} from '../../src/application/ledger/signed-note.js';
import type { DirectoryCheckpointArchive } from '../../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import type { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import {
  eventually,
  sleep,
  testEvents,
  uniquePrefix,
  waitUntilReadable,
} from '../support/event-store-fixtures.js';
import {
  TEST_ORIGIN,
  expectedTree,
  ledgerTreeRunner,
  temporaryArchive,
} from './ledger-tree-support.js';
import { inTransaction } from '../support/pg-transaction.js';
import { headOf, openKnex } from './projections-support.js';

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  heads_count: string;
  heads_root: Buffer;
  note: string;
}

describe('the ledger-tree projection', () => {
  const signingKey = generateSigningKey(TEST_ORIGIN);
  const verifierKey = formatVerifierKey(signingKey);
  let ledger: PostgresLedger;
  let knex: Knex;
  let archive: DirectoryCheckpointArchive;
  const running: ProjectionRunner[] = [];

  beforeAll(async () => {
    ledger = await createPostgresLedger({ idleReadMs: 30, listenRetryMs: 50 });
    knex = openKnex(ledger.database.connectionString);
    archive = await temporaryArchive();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((runner) => runner.stop()));
  });

  afterAll(async () => {
    await knex?.destroy();
    await ledger?.cleanup();
  });

  function start(
    intervalMs: number,
    wrap?: Parameters<typeof ledgerTreeRunner>[0]['wrap'],
    to: DirectoryCheckpointArchive = archive,
    logger?: Parameters<typeof ledgerTreeRunner>[0]['logger'],
  ) {
    const built = ledgerTreeRunner({
      store: ledger.store,
      knex,
      pool: ledger.pool,
      signingKey,
      archive: to,
      intervalMs,
      ...(wrap ? { wrap } : {}),
      ...(logger ? { logger } : {}),
    });
    built.runner.start();
    running.push(built.runner);
    return built;
  }

  /** `writers` concurrent writers, each appending 1 to 3 events at a time to streams of its own. */
  async function appendConcurrently(total: number, writers: number): Promise<void> {
    const prefix = uniquePrefix('tree');
    const positions: string[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        let remaining = Math.floor(total / writers) + (writer < total % writers ? 1 : 0);
        let turn = 0;
        while (remaining > 0) {
          const size = Math.min(remaining, 1 + ((writer + turn) % 3));
          const streamId = `${prefix}w${writer}-s${turn % 12}`;
          const result = await ledger.store.appendToStream(streamId, testEvents(size), {
            expectedRevision: 'any',
          });
          positions.push(result.position);
          remaining -= size;
          turn += 1;
        }
      }),
    );
    await waitUntilReadable(ledger.store, positions);
  }

  async function checkpoints(): Promise<CheckpointRow[]> {
    return knex('ledger_checkpoints').orderBy('tree_size').select<CheckpointRow[]>('*');
  }

  async function newestCheckpointSize(): Promise<number> {
    const rows = await checkpoints();
    return Number(rows.at(-1)?.tree_size ?? 0);
  }

  /** Everything stored equals a recomputation from the events with the pure functions. */
  async function expectTablesToMatchTheEvents(): Promise<void> {
    const expected = await expectedTree(ledger.store, ledger.pool);
    const leaves = await knex('ledger_tree_leaves').orderBy('leaf_index').select<
      Array<{
        leaf_index: string;
        position: string;
        stream_id: string;
        stream_revision: string;
        leaf_hash: Buffer;
      }>
    >('leaf_index', knex.raw('position::text AS position'), 'stream_id', 'stream_revision', 'leaf_hash');
    expect(leaves.length).toBe(expected.events.length);
    leaves.forEach((leaf, index) => {
      const event = expected.events[index];
      expect({
        index: Number(leaf.leaf_index),
        position: leaf.position,
        streamId: leaf.stream_id,
        revision: Number(leaf.stream_revision),
        hash: leaf.leaf_hash.toString('hex'),
      }).toEqual({
        index,
        position: event?.position,
        streamId: event?.streamId,
        revision: event?.revision,
        hash: expected.leafHashes[index]?.toString('hex'),
      });
    });

    const nodes = await knex('ledger_tree_nodes').select<
      Array<{ level: number; node_index: string; hash: Buffer }>
    >('level', 'node_index', 'hash');
    expect(
      new Map(nodes.map((node) => [`${node.level}:${node.node_index}`, node.hash.toString('hex')])),
    ).toEqual(expected.nodes);

    const rows = await checkpoints();
    let previous = 0;
    for (const row of rows) {
      const size = Number(row.tree_size);
      expect(size - previous).toBeLessThanOrEqual(1000);
      previous = size;
      const heads = expected.headsAt(size);
      const opened = openCheckpoint(row.note, verifierKey);
      expect({
        origin: opened.origin,
        treeSize: opened.treeSize,
        rootHash: opened.rootHash.toString('hex'),
        headsCount: opened.headsCount,
        headsRoot: opened.headsRoot.toString('hex'),
      }).toEqual({
        origin: TEST_ORIGIN,
        treeSize: size,
        rootHash: expected.rootAt(size).toString('hex'),
        headsCount: heads.count,
        headsRoot: heads.root.toString('hex'),
      });
      expect(row.root_hash.toString('hex')).toBe(opened.rootHash.toString('hex'));
      expect(row.heads_root.toString('hex')).toBe(opened.headsRoot.toString('hex'));
      expect(Number(row.heads_count)).toBe(heads.count);
    }

    // The heads table holds the heads as the newest checkpoint committed them.
    const storedHeads = await knex('ledger_tree_heads')
      .orderBy('slot')
      .select<
        Array<{ slot: string; stream_id: string; stream_revision: string; chain_hash: string }>
      >('*');
    expect(
      storedHeads.map((head) => ({
        slot: Number(head.slot),
        streamId: head.stream_id,
        revision: Number(head.stream_revision),
        hash: head.chain_hash,
      })),
    ).toEqual(expected.headsAt(previous).heads);
  }

  it('checkpoints after at most 1000 events of concurrent writers, every table matching the events', async () => {
    const { runner, publisher } = start(60_000);
    await appendConcurrently(2500, 16);
    expect(await runner.waitFor(await headOf(ledger.store), 30_000)).toBe(true);
    await expectTablesToMatchTheEvents();
    expect((await checkpoints()).map((row) => Number(row.tree_size))).toEqual([1000, 2000]);
    await publisher.idle();
    const notes = (await checkpoints()).map((row) => row.note);
    expect(await archivedNotes()).toEqual(notes);
    for (const note of notes) expect(() => openNote(note, verifierKey)).not.toThrow();
  });

  it('resumes the same tree in a new runner and signs what waited one interval, also when idle', async () => {
    start(150);
    // The 500 events the previous runner left unsigned are signed one interval after it resumed.
    await waitForCheckpoint(2500);
    await expectTablesToMatchTheEvents();

    await appendConcurrently(7, 3);
    await waitForCheckpoint(2507);
    await expectTablesToMatchTheEvents();
  });

  it('stays exact when runners stop mid-way and transactions fail after writing', async () => {
    let failures = 0;
    const failing = start(100, (projection) => ({
      name: projection.name,
      idle: projection.idle,
      reset: () => projection.reset?.(),
      committed: () => projection.committed?.(),
      async apply(trx, events) {
        await projection.apply(trx, events);
        // Every third batch rolls back after all its writes (and perhaps a signature).
        if ((failures += 1) % 3 === 0) throw new Error('injected failure after the writes');
      },
    }));
    const writing = appendConcurrently(1800, 8);
    await eventually(
      () => failures >= 4,
      20_000,
      () => 'failed batches',
    );
    await failing.runner.stop();
    const { runner, publisher } = start(100);
    await writing;
    expect(await runner.waitFor(await headOf(ledger.store), 30_000)).toBe(true);
    const size = Number(
      (await knex('ledger_tree_leaves').count<{ count: string }[]>('* as count'))[0]?.count,
    );
    await waitForCheckpoint(size);
    await expectTablesToMatchTheEvents();
    await publisher.idle();
    expect(await archivedNotes()).toEqual((await checkpoints()).map((row) => row.note));
  });

  it('publishes the newest stored checkpoint on start when the archive lacks it', async () => {
    const newest = (await checkpoints()).at(-1);
    const empty = await temporaryArchive();
    start(60_000, undefined, empty);
    const deadline = Date.now() + 10_000;
    while ((await empty.latest()) === null) {
      if (Date.now() > deadline) throw new Error('the newest checkpoint was not archived');
      await sleep(25);
    }
    expect(await empty.latest()).toEqual({
      treeSize: Number(newest?.tree_size),
      note: newest?.note,
    });
  });

  it('will not build on a stored tree that is not what was signed and archived, and resumes once it is', async () => {
    const ready = start(50);
    await appendConcurrently(5, 2);
    expect(await ready.runner.waitFor(await headOf(ledger.store), 20_000)).toBe(true);
    const size = await treeSize();
    await waitForCheckpoint(size);
    await ready.publisher.idle();
    await ready.runner.stop();
    const newest = (await checkpoints()).at(-1) as CheckpointRow;
    const otherKey = generateSigningKey(TEST_ORIGIN);
    const other = (await knex('ledger_tree_leaves')
      .orderBy('leaf_index')
      .first<{ leaf_hash: Buffer }>())!;

    /** Tampers as the superuser, checks a new builder refuses and signs nothing, then undoes it. */
    const refusesAfter = async (
      what: RegExp,
      tamper: (client: pg.PoolClient) => Promise<unknown>,
      undo: (client: pg.PoolClient) => Promise<unknown>,
    ): Promise<void> => {
      await asSuperuser(tamper);
      const refusals: string[] = [];
      const logger = {
        info: () => undefined,
        error: (_message: string, fields?: Record<string, unknown>) => {
          refusals.push(String(fields?.['error'] ?? ''));
        },
      };
      const before = await checkpoints();
      const refusing = start(20, undefined, archive, logger);
      await ledger.store.appendToStream(`${uniquePrefix('tree')}late`, testEvents(2), {
        expectedRevision: 'no_stream',
      });
      await eventually(
        () => refusals.some((message) => what.test(message)),
        10_000,
        () => `a refusal matching ${what}; got ${JSON.stringify(refusals.slice(0, 3))}`,
      );
      await refusing.runner.stop();
      expect((await checkpoints()).map((row) => row.note)).toEqual(before.map((row) => row.note));
      await asSuperuser(undo);
    };

    await refusesAfter(
      /holds checkpoint \d+, newer than the database's newest/,
      (client) =>
        client.query('DELETE FROM ledger_checkpoints WHERE tree_size = $1', [newest.tree_size]),
      (client) =>
        client.query(
          'INSERT INTO ledger_checkpoints (tree_size, root_hash, heads_count, heads_root, note) VALUES ($1, $2, $3, $4, $5)',
          [newest.tree_size, newest.root_hash, newest.heads_count, newest.heads_root, newest.note],
        ),
    );
    await refusesAfter(
      /newest checkpoint \d+ is not trusted/,
      (client) =>
        client.query('UPDATE ledger_checkpoints SET note = $2 WHERE tree_size = $1', [
          newest.tree_size,
          signCheckpoint(
            {
              origin: TEST_ORIGIN,
              treeSize: Number(newest.tree_size),
              rootHash: newest.root_hash,
              headsCount: Number(newest.heads_count),
              headsRoot: newest.heads_root,
            },
            otherKey,
          ),
        ]),
      (client) =>
        client.query('UPDATE ledger_checkpoints SET note = $2 WHERE tree_size = $1', [
          newest.tree_size,
          newest.note,
        ]),
    );
    // A leaf the service itself could insert ahead of the builder, for an event not in the feed.
    const late = await treeSize();
    await refusesAfter(
      /leaves after checkpoint|is not the event at position/,
      (client) =>
        client.query(
          `INSERT INTO ledger_tree_leaves (leaf_index, position, stream_id, stream_revision, leaf_hash)
           VALUES ($1, (SELECT max(position) + 1000 FROM ledger_tree_leaves), 'forged', 0, $2)`,
          [late, other.leaf_hash],
        ),
      (client) => client.query('DELETE FROM ledger_tree_leaves WHERE leaf_index >= $1', [late]),
    );

    const resumed = start(20);
    expect(await resumed.runner.waitFor(await headOf(ledger.store), 20_000)).toBe(true);
    await waitForCheckpoint(await treeSize());
    await expectTablesToMatchTheEvents();
  });

  /** Runs `work` as the superuser with the tree tables' own triggers off. */
  async function asSuperuser(work: (client: pg.PoolClient) => Promise<unknown>): Promise<void> {
    const tables = [
      'ledger_checkpoints',
      'ledger_tree_leaves',
      'ledger_tree_nodes',
      'ledger_tree_heads',
    ];
    await inTransaction(ledger.pool, async (client) => {
      for (const table of tables) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await work(client);
      for (const table of tables) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    });
  }

  async function treeSize(): Promise<number> {
    const row = await knex('ledger_tree_leaves').count<{ count: string }[]>('* as count');
    return Number(row[0]?.count ?? 0);
  }

  async function waitForCheckpoint(size: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await newestCheckpointSize()) < size) {
      if (Date.now() > deadline) throw new Error(`no checkpoint of ${size} events in time`);
      await sleep(25);
    }
    expect(await newestCheckpointSize()).toBe(size);
  }

  async function archivedNotes(): Promise<string[]> {
    const names = (await readdir(archive.location)).filter((name) => name.endsWith('.checkpoint'));
    return Promise.all(names.sort().map((name) => readFile(`${archive.location}/${name}`, 'utf8')));
  }
});
