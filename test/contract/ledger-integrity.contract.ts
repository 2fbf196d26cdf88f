import type { Knex } from 'knex';
import pg from 'pg';
import { eventLeafHash } from '../../src/application/ledger/ledger-leaf.js';
import { ledgerPublicKey } from '../../src/application/ledger/ledger-public-key.js';
import {
  verifyConsistency,
  verifyInclusion,
} from '../../src/application/ledger/merkle/merkle-proofs.js';
import { generateSigningKey } from '../../src/application/ledger/signed-note.js';
import type {
  EventStore,
  LedgerPosition,
  RecordedEvent,
} from '../../src/application/ports/event-store.port.js';
import type { LedgerLookup } from '../../src/application/ports/ledger-lookup.port.js';
import type { StoredCheckpoint } from '../../src/application/ports/ledger-tree.port.js';
import {
  buildLedgerIntegrity,
  type LedgerIntegrity,
} from '../../src/composition/ledger-integrity.js';
import {
  decodePositionPair,
  encodePositionPair,
} from '../../src/infrastructure/event-store/pair-position.js';
import type { DirectoryCheckpointArchive } from '../../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import type { ProjectionRunner } from '../../src/projections/projection-runner.js';
import {
  TEST_ORIGIN,
  ledgerTreeRunner,
  temporaryArchive,
} from '../integration/ledger-tree-support.js';
import { openKnex } from '../integration/projections-support.js';
import {
  sleep,
  testEvents,
  uniquePrefix,
  waitUntilReadable,
} from '../support/event-store-fixtures.js';
import type { EventStoreTamper } from './event-store.contract.js';

export interface LedgerIntegrityUnderTest {
  readonly store: EventStore;
  /** The lookup the composition root pairs with this store. */
  readonly lookup: LedgerLookup;
  /** The migrated PostgreSQL database the tree tables and the tree runner's position live in. */
  readonly treeDatabaseUrl: string;
  cleanup(): Promise<void>;
  /** Changes stored events behind the store's back, where its storage allows it. */
  readonly tamper?: EventStoreTamper;
}

export type LedgerIntegrityFactory = () => Promise<LedgerIntegrityUnderTest>;

export interface LedgerIntegrityContractOptions {
  /**
   * Whether the factory's stores come with `tamper` (PostgreSQL, as its superuser in SQL); the
   * tamper test is reported as skipped otherwise (EventStoreDB's log cannot be edited).
   */
  readonly tamperable: boolean;
}

/** Long enough for a tree builder catching up on a shared server's whole log. */
const CHECKPOINT_TIMEOUT_MS = 60_000;

/**
 * The Merkle tree, its signed checkpoints, proofs and verifiers on top of an event store adapter:
 * the real ledger-tree projection follows the adapter's feed into the tree tables, and every
 * answer is checked with the pure verifiers against the signed notes. Streams are written under a
 * prefix of the test's own; a shared server's other streams are simply more leaves.
 */
export function ledgerIntegrityContract(
  factory: LedgerIntegrityFactory,
  options: LedgerIntegrityContractOptions,
): void {
  const signingKey = generateSigningKey(TEST_ORIGIN);
  const publicKey = ledgerPublicKey(signingKey, TEST_ORIGIN);
  let subject: LedgerIntegrityUnderTest;
  let store: EventStore;
  let pool: pg.Pool;
  let knex: Knex;
  let archive: DirectoryCheckpointArchive;
  let integrity: LedgerIntegrity;
  let runner: ProjectionRunner | null = null;

  function startTree(): void {
    runner = ledgerTreeRunner({ store, knex, pool, signingKey, archive, intervalMs: 100 }).runner;
    runner.start();
  }

  async function stopTree(): Promise<void> {
    await runner?.stop();
    runner = null;
  }

  beforeAll(async () => {
    subject = await factory();
    store = subject.store;
    pool = new pg.Pool({ connectionString: subject.treeDatabaseUrl, max: 6 });
    pool.on('error', () => undefined);
    knex = openKnex(subject.treeDatabaseUrl);
    archive = await temporaryArchive();
    integrity = buildLedgerIntegrity(pool, store, subject.lookup, publicKey, archive);
    startTree();
  }, CHECKPOINT_TIMEOUT_MS);

  afterAll(async () => {
    await stopTree();
    await knex?.destroy();
    await pool?.end();
    await subject?.cleanup();
  });

  /** Appends one event per call to each of `streams` streams, `rounds` times; answers them all. */
  async function appendRounds(
    prefix: string,
    streams: number,
    rounds: number,
  ): Promise<RecordedEvent[]> {
    const positions: LedgerPosition[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (let s = 0; s < streams; s += 1) {
        const result = await store.appendToStream(`${prefix}call-${s}`, testEvents(1), {
          expectedRevision: 'any',
        });
        positions.push(result.position);
      }
    }
    await waitUntilReadable(store, positions);
    const events: RecordedEvent[] = [];
    for (let s = 0; s < streams; s += 1)
      events.push(...(await store.readStream(`${prefix}call-${s}`)));
    return events;
  }

  /** The newest checkpoint once one covers every given event. */
  async function checkpointCovering(events: readonly RecordedEvent[]): Promise<StoredCheckpoint> {
    const deadline = Date.now() + CHECKPOINT_TIMEOUT_MS;
    for (;;) {
      const checkpoint = await integrity.tree.latestCheckpoint();
      if (checkpoint !== null) {
        const leaves = await Promise.all(events.map((e) => integrity.tree.leafAt(e.position)));
        if (leaves.every((leaf) => leaf !== null && leaf.index < checkpoint.treeSize)) {
          return checkpoint;
        }
      }
      if (Date.now() > deadline) throw new Error('no checkpoint covers the events appended');
      await sleep(50);
    }
  }

  it(
    'proves an event in the signed checkpoint, read back by its position',
    async () => {
      const events = await appendRounds(uniquePrefix('proof'), 3, 3);
      await checkpointCovering(events);

      for (const event of events) {
        const answer = await integrity.audit.eventProof(event.position);
        expect(answer.event).toEqual(event);
        const checkpoint = integrity.openCheckpoint(answer.checkpoint.note);
        expect(checkpoint.treeSize).toBe(answer.checkpoint.treeSize);
        expect(
          verifyInclusion(
            eventLeafHash(answer.event),
            answer.leafIndex,
            checkpoint.treeSize,
            answer.proof,
            checkpoint.rootHash,
          ),
        ).toBe(true);
      }
      const other = events[1] as RecordedEvent;
      const answer = await integrity.audit.eventProof((events[0] as RecordedEvent).position);
      const checkpoint = integrity.openCheckpoint(answer.checkpoint.note);
      expect(
        verifyInclusion(
          eventLeafHash(other),
          answer.leafIndex,
          checkpoint.treeSize,
          answer.proof,
          checkpoint.rootHash,
        ),
      ).toBe(false);
    },
    CHECKPOINT_TIMEOUT_MS + 30_000,
  );

  it('finds no event at a position no event starts at', async () => {
    const [event] = await appendRounds(uniquePrefix('miss'), 1, 1);
    const { high, low } = decodePositionPair((event as RecordedEvent).position);
    expect(await subject.lookup.eventAt(encodePositionPair(high, low + 1n))).toBeNull();
    expect(await subject.lookup.eventAt(encodePositionPair(high + 1n, low + 1n))).toBeNull();
    expect(await subject.lookup.eventAt(encodePositionPair(high + 1_000_000n, low))).toBeNull();
    await expect(
      integrity.audit.eventProof(encodePositionPair(high, low + 1n)),
    ).rejects.toMatchObject({ code: 'LEDGER.EVENT_NOT_FOUND' });
  });

  it(
    'proves two checkpoints consistent',
    async () => {
      const prefix = uniquePrefix('consistency');
      const older = await checkpointCovering(await appendRounds(prefix, 2, 2));
      const newer = await checkpointCovering(await appendRounds(prefix, 2, 2));
      expect(newer.treeSize).toBeGreaterThan(older.treeSize);

      const answer = await integrity.audit.consistency(older.treeSize, newer.treeSize);
      const from = integrity.openCheckpoint(answer.from.note);
      const to = integrity.openCheckpoint(answer.to.note);
      expect(
        verifyConsistency(from.treeSize, to.treeSize, answer.proof, from.rootHash, to.rootHash),
      ).toBe(true);
      expect(
        verifyConsistency(from.treeSize, to.treeSize, answer.proof, to.rootHash, from.rootHash),
      ).toBe(false);
    },
    2 * CHECKPOINT_TIMEOUT_MS,
  );

  it('lists the stream heads the store keeps, in code point order', async () => {
    const prefix = uniquePrefix('heads');
    // UTF-16 order would put U+1F600 (a surrogate pair) before U+FFFD; code point order after.
    const names = ['b', 'a', '\u{1F600}', '\uFFFD', 'a\u00e9'].map((name) => `${prefix}${name}`);
    for (const [i, name] of names.entries()) {
      await store.appendToStream(name, testEvents(1 + i), { expectedRevision: 'no_stream' });
    }
    const listed: Array<{ streamId: string; revision: number; hash: string | null }> = [];
    for (let after: string | null = prefix; after !== null;) {
      const page = await subject.lookup.streamHeads(after, 2);
      const ours = page.filter((head) => head.streamId.startsWith(prefix));
      listed.push(...ours);
      after =
        ours.length === page.length && page.length > 0 ? (page.at(-1)?.streamId ?? null) : null;
    }
    const expected = await Promise.all(
      [`${prefix}a`, `${prefix}a\u00e9`, `${prefix}b`, `${prefix}\uFFFD`, `${prefix}\u{1F600}`].map(
        async (streamId) => {
          const last = (await store.readStream(streamId)).at(-1) as RecordedEvent;
          return { streamId, revision: last.revision, hash: last.metadata.hash };
        },
      ),
    );
    expect(listed).toEqual(expected);
    for (const head of expected)
      expect(await subject.lookup.streamHead(head.streamId)).toEqual(head);
    expect(await subject.lookup.streamHead(`${prefix}missing`)).toBeNull();
  });

  it(
    'verifies an intact stream, and reports events after the newest checkpoint as not yet checkpointed',
    async () => {
      const prefix = uniquePrefix('stream');
      const streamId = `${prefix}call-0`;
      await checkpointCovering(await appendRounds(prefix, 1, 3));

      const verified = await integrity.streams.verify(streamId, await store.readStream(streamId));
      expect(verified.integrity).toMatchObject({
        status: 'verified',
        verified: true,
        problem: null,
        head: { revision: 2, store: 'matches', checkpointed: { revision: 2, verified: true } },
        checkpoint: { checkpointedEvents: 3, notYetCheckpointed: 0 },
      });

      await stopTree();
      try {
        await appendRounds(prefix, 1, 2);
        const pending = await integrity.streams.verify(streamId, await store.readStream(streamId));
        expect(pending.integrity).toMatchObject({
          status: 'not_yet_checkpointed',
          verified: false,
          problem: null,
          head: { revision: 4, store: 'matches', checkpointed: { revision: 2, verified: true } },
          checkpoint: { checkpointedEvents: 3, notYetCheckpointed: 2 },
        });
      } finally {
        startTree();
      }
    },
    CHECKPOINT_TIMEOUT_MS + 30_000,
  );

  it(
    'verifies the whole ledger against the signed checkpoints',
    async () => {
      await checkpointCovering(await appendRounds(uniquePrefix('whole'), 3, 2));
      const report = await integrity.verifier().verify();
      expect(report.problems).toEqual([]);
      expect(report.verified).toBe(true);
      expect(report.newestCheckpoint).not.toBeNull();
      expect(report.checkpointsChecked).toBeGreaterThan(0);
    },
    3 * CHECKPOINT_TIMEOUT_MS,
  );

  (options.tamperable ? it : it.skip)(
    'fails a changed event in the stream and the whole ledger, and passes once undone',
    async () => {
      const tamper = subject.tamper as EventStoreTamper;
      const prefix = uniquePrefix('tamper');
      const streamId = `${prefix}call-0`;
      await checkpointCovering(await appendRounds(prefix, 1, 3));
      const original = (await store.readStream(streamId))[1] as RecordedEvent;

      await tamper.alterEventData(streamId, 1, { ...original.data, roundTripMs: 9999 });
      try {
        const stream = await integrity.streams.verify(streamId, await store.readStream(streamId));
        expect(stream.integrity.status).toBe('failed');
        expect(stream.integrity.problem).toMatch(/revision 1/);
        const report = await integrity.verifier().verify();
        expect(report.verified).toBe(false);
        expect(report.problems[0]).toMatchObject({ kind: 'chain', streamId });
      } finally {
        await tamper.alterEventData(streamId, 1, original.data);
      }

      const restored = await integrity.streams.verify(streamId, await store.readStream(streamId));
      expect(restored.integrity.status).toBe('verified');
      expect((await integrity.verifier().verify()).verified).toBe(true);
    },
    CHECKPOINT_TIMEOUT_MS + 30_000,
  );
}
