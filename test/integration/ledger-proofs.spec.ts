import { randomUUID } from 'node:crypto';
import { LedgerProofs } from '../../src/application/ledger/ledger-proofs.js';
import { LedgerVerifier } from '../../src/application/ledger/ledger-verification.js';
import { eventLeafHash, streamHeadLeafHash } from '../../src/application/ledger/ledger-leaf.js';
import { MerkleFrontier } from '../../src/application/ledger/merkle/merkle-frontier.js';
import {
  verifyConsistency,
  verifyInclusion,
} from '../../src/application/ledger/merkle/merkle-proofs.js';
import { generateSigningKey, verifierKeyOf } from '../../src/application/ledger/signed-note.js';
import { StreamVerifier } from '../../src/application/ledger/stream-verification.js';
import { checkpointOpener } from '../../src/application/ledger/trusted-checkpoint.js';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import { PostgresLedgerLookup } from '../../src/infrastructure/event-store/postgres/postgres-ledger-lookup.adapter.js';
import { PostgresLedgerTreeReader } from '../../src/infrastructure/ledger/postgres-ledger-tree-reader.adapter.js';
import { testEvents } from '../support/event-store-fixtures.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { writeLedgerTree } from '../support/ledger-tree-fixture.js';
import { readWholeFeed } from '../support/read-whole-feed.js';

describe('ledger proofs and verification over the stored tree', () => {
  const key = generateSigningKey('vytalwatch-call-ledger');
  const openCheckpoint = checkpointOpener(verifierKeyOf(key));
  let ledger: PostgresLedger;
  let events: RecordedEvent[];
  let tree: PostgresLedgerTreeReader;
  let proofs: LedgerProofs;
  const streams = Array.from({ length: 30 }, () => `call-${randomUUID()}`);

  const rootAt = (size: number): Buffer => {
    const frontier = MerkleFrontier.empty();
    for (const event of events.slice(0, size)) frontier.append(eventLeafHash(event));
    return frontier.root();
  };
  const verifier = (): LedgerVerifier =>
    new LedgerVerifier({
      store: ledger.store,
      tree,
      lookup: new PostgresLedgerLookup(ledger.pool),
      proofs: new LedgerProofs(tree),
      openCheckpoint,
      archive: null,
      batchSize: 97,
    });

  beforeAll(async () => {
    ledger = await createPostgresLedger();
    for (let round = 0; round < 25; round += 1) {
      for (const stream of streams)
        await ledger.store.appendToStream(stream, testEvents(1), { expectedRevision: 'any' });
    }
    events = await readWholeFeed(ledger.store, ledger.pool);
    await writeLedgerTree(ledger.database.connectionString, key, [100, 512, 700, 750]);
    tree = new PostgresLedgerTreeReader(ledger.pool);
    proofs = new LedgerProofs(tree);
  }, 60_000);
  afterAll(() => ledger.cleanup());

  it('serves inclusion proofs that verify against the checkpoint roots', async () => {
    for (const size of [100, 512, 700, 750]) {
      const root = rootAt(size);
      const indexes = [0, 1, 99, size - 1, Math.floor(size / 2), 255, 256].filter((i) => i < size);
      const all = await proofs.inclusionProofs(indexes, size);
      indexes.forEach((index, n) => {
        expect(
          verifyInclusion(
            eventLeafHash(events[index] as RecordedEvent),
            index,
            size,
            all[n] as Buffer[],
            root,
          ),
        ).toBe(true);
      });
    }
  });

  it('serves consistency proofs between checkpoint sizes', async () => {
    for (const [m, n] of [
      [100, 512],
      [512, 700],
      [100, 750],
      [700, 750],
    ] as const) {
      const proof = await proofs.consistencyProof(m, n);
      expect(verifyConsistency(m, n, proof, rootAt(m), rootAt(n))).toBe(true);
    }
  });

  it('proves a stream head in the newest checkpoint', async () => {
    const checkpoint = await tree.latestCheckpoint();
    const answer = await proofs.headsProof(streams[3] as string);
    expect(answer).not.toBeNull();
    const { head, proof } = answer!;
    expect(head.revision).toBe(24);
    expect(
      verifyInclusion(
        streamHeadLeafHash(head),
        head.slot,
        checkpoint!.headsCount,
        proof,
        checkpoint!.headsRoot,
      ),
    ).toBe(true);
  });

  it('verifies one stream: chain, heads and inclusion of each event', async () => {
    const streamVerifier = new StreamVerifier({
      comparePositions: (a, b) => ledger.store.comparePositions(a, b),
      tree,
      lookup: new PostgresLedgerLookup(ledger.pool),
      proofs,
      openCheckpoint,
      archive: null,
    });
    const stream = streams[0] as string;
    const result = await streamVerifier.verify(stream, await ledger.store.readStream(stream));
    expect(result.integrity).toMatchObject({ verified: true, status: 'verified', problem: null });
    expect(result.integrity.checkpoint).toMatchObject({
      treeSize: 750,
      checkpointedEvents: 25,
      notYetCheckpointed: 0,
    });
  });

  it('verifies the whole ledger, and names the first stream whose chain breaks', async () => {
    const clean = await verifier().verify();
    expect(clean).toMatchObject({
      verified: true,
      events: 750,
      streams: 30,
      newestCheckpoint: 750,
      problems: [],
    });
    const victim = events[40] as RecordedEvent;
    await ledger.tamper.alterEventData(victim.streamId, victim.revision, { forged: true });
    try {
      const report = await verifier().verify();
      expect(report.verified).toBe(false);
      expect(report.problems[0]).toMatchObject({
        kind: 'chain',
        streamId: victim.streamId,
        position: victim.position,
      });
    } finally {
      await ledger.tamper.alterEventData(victim.streamId, victim.revision, victim.data);
    }
    expect((await verifier().verify()).verified).toBe(true);
  });
});
