import { randomUUID } from 'node:crypto';
import {
  EVIDENCE_FORMAT,
  type EvidenceDocument,
} from '../../../src/application/ledger/call-evidence.js';
import { chainHash, computeContentHash } from '../../../src/application/ledger/event-integrity.js';
import { verifyEvidence } from '../../../src/application/ledger/evidence-verification.js';
import { signCheckpoint } from '../../../src/application/ledger/ledger-checkpoint.js';
import { ledgerPublicKey } from '../../../src/application/ledger/ledger-public-key.js';
import { eventLeafHash, streamHeadLeafHash } from '../../../src/application/ledger/ledger-leaf.js';
import { MerkleFrontier } from '../../../src/application/ledger/merkle/merkle-frontier.js';
import { inclusionProof } from '../../../src/application/ledger/merkle/merkle-proofs.js';
import { UpdatableMerkleTree } from '../../../src/application/ledger/merkle/updatable-merkle-tree.js';
import {
  formatVerifierKey,
  generateSigningKey,
} from '../../../src/application/ledger/signed-note.js';
import type { RecordedEvent } from '../../../src/application/ports/event-store.port.js';

const ORIGIN = 'vytalwatch-call-ledger';

function mth(leaves: readonly Buffer[]): Buffer {
  const frontier = MerkleFrontier.empty();
  for (const leaf of leaves) frontier.append(leaf);
  return frontier.root();
}

/** A ledger of two interleaved streams, checkpointed after `checkpointed` events of the call. */
function bundle(callEvents: number, checkpointedCallEvents: number) {
  const key = generateSigningKey(ORIGIN);
  const callId = randomUUID();
  const streamId = `call-${callId}`;
  const feed: RecordedEvent[] = [];
  const previous = new Map<string, string | null>();
  const revisions = new Map<string, number>();
  const append = (
    stream: string,
    data: Record<string, string | number | boolean>,
  ): RecordedEvent => {
    const revision = (revisions.get(stream) ?? -1) + 1;
    const metadata = {
      actor: { userId: randomUUID(), role: 'provider' as const },
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, feed.length)).toISOString(),
      correlationId: randomUUID(),
      causationId: null,
    };
    const content = {
      eventId: randomUUID(),
      streamId: stream,
      type: 'CallNoted',
      version: 1,
      data,
      metadata,
    };
    const hash = chainHash(previous.get(stream) ?? null, computeContentHash(content));
    const event: RecordedEvent = {
      ...content,
      revision,
      position: String(1000 + feed.length),
      metadata: { ...metadata, hash, previousHash: previous.get(stream) ?? null },
    };
    previous.set(stream, hash);
    revisions.set(stream, revision);
    feed.push(event);
    return event;
  };
  const call: RecordedEvent[] = [];
  for (let i = 0; i < callEvents; i += 1) {
    append(`access-${callId}`, { view: 'timeline', n: i });
    call.push(append(streamId, { note: `note ${i}`, count: i, ok: i % 2 === 0 }));
  }
  const treeSize = feed.indexOf(call[checkpointedCallEvents - 1] as RecordedEvent) + 1;
  const leaves = feed.map(eventLeafHash);
  const hashOf = (start: number, end: number): Buffer => mth(leaves.slice(start, end));
  const heads = [`access-${callId}`, streamId].map((stream, slot) => {
    const last = feed
      .slice(0, treeSize)
      .filter((event) => event.streamId === stream)
      .at(-1) as RecordedEvent;
    return { slot, streamId: stream, revision: last.revision, hash: last.metadata.hash };
  });
  const headsTree = UpdatableMerkleTree.fromLeaves(heads.map(streamHeadLeafHash));
  const note = signCheckpoint(
    {
      origin: ORIGIN,
      treeSize,
      rootHash: mth(leaves.slice(0, treeSize)),
      headsCount: 2,
      headsRoot: headsTree.root(),
    },
    key,
  );
  const document: EvidenceDocument = {
    format: EVIDENCE_FORMAT,
    callId,
    streamId,
    exportedAt: new Date().toISOString(),
    events: call.map((event) => {
      const leafIndex = feed.indexOf(event);
      const covered = leafIndex < treeSize;
      return {
        ...event,
        leafIndex,
        inclusionProof: covered
          ? inclusionProof(leafIndex, treeSize, hashOf).map((h) => h.toString('base64'))
          : null,
      };
    }),
    checkpoint: { note, treeSize, signedAt: new Date().toISOString() },
    head: {
      ...(heads[1] as (typeof heads)[number]),
      proof: headsTree.inclusionProof(1).map((h) => h.toString('base64')),
    },
    publicKey: ledgerPublicKey(key, ORIGIN),
  };
  return { document, verifierKey: formatVerifierKey(key) };
}

/** Every string, number and boolean inside `value`, as paths. */
function leafPaths(
  value: unknown,
  path: Array<string | number> = [],
): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([key, child]) =>
    leafPaths(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

function changed(document: EvidenceDocument, path: Array<string | number>): EvidenceDocument {
  const copy = structuredClone(document) as unknown as Record<string | number, unknown>;
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  const value = parent[last];
  parent[last] =
    typeof value === 'string'
      ? `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`
      : typeof value === 'number'
        ? value + 1
        : typeof value === 'boolean'
          ? !value
          : 'x';
  return copy as unknown as EvidenceDocument;
}

describe('an evidence bundle checked offline', () => {
  const { document, verifierKey } = bundle(6, 6);

  it('holds for the bundle as exported, the key pinned or not', () => {
    expect(verifyEvidence(document, verifierKey)).toMatchObject({
      verified: true,
      keyPinned: true,
      checkpointedEvents: 6,
      notYetCheckpointed: 0,
      problems: [],
    });
    expect(verifyEvidence(document, null)).toMatchObject({ verified: true, keyPinned: false });
  });

  it('fails, naming the event, when any value of any event changes (its position aside)', () => {
    document.events.forEach((event, index) => {
      for (const path of leafPaths(event)) {
        if (path[0] === 'position') continue; // informational: the tree commits the order, not the numbers
        const report = verifyEvidence(changed(document, ['events', index, ...path]), verifierKey);
        expect({ path, verified: report.verified }).toEqual({ path, verified: false });
        expect(report.problems[0]).toMatch(/revision|event/);
      }
    });
  });

  it('fails when any value of the checkpoint note, the head or its proof changes', () => {
    for (const path of [
      ...leafPaths({ checkpoint: { note: 0 } }),
      ...leafPaths({ head: document.head }),
    ]) {
      if (path[0] === 'checkpoint') path.splice(0, 2, 'checkpoint', 'note');
      expect(verifyEvidence(changed(document, path), verifierKey).verified).toBe(false);
    }
  });

  it('fails when an event is removed, first, in the middle or last', () => {
    for (const removed of [0, 3, 5]) {
      const shortened = { ...document, events: document.events.filter((_, i) => i !== removed) };
      const report = verifyEvidence(shortened, verifierKey);
      expect(report.verified).toBe(false);
    }
  });

  it('fails under a key other than the one pinned', () => {
    const other = formatVerifierKey(generateSigningKey(ORIGIN));
    const report = verifyEvidence(document, other);
    expect(report.verified).toBe(false);
    expect(report.problems[0]).toContain('does not verify');
  });

  it('reports events after the checkpoint as not yet checkpointed', () => {
    const partial = bundle(5, 3);
    expect(verifyEvidence(partial.document, partial.verifierKey)).toMatchObject({
      verified: true,
      complete: false,
      checkpointedEvents: 3,
      notYetCheckpointed: 2,
    });
  });

  it('vouches for the call only when every event is proven: not without the checkpoint', () => {
    expect(verifyEvidence(document, verifierKey).complete).toBe(true);
    const unproven = { ...document, checkpoint: null, head: null };
    expect(verifyEvidence(unproven, verifierKey)).toMatchObject({
      complete: false,
      checkpointedEvents: 0,
    });
  });

  it('refuses what is not an evidence document', () => {
    expect(verifyEvidence({ hello: 'world' }, verifierKey).verified).toBe(false);
    expect(verifyEvidence(null, null).verified).toBe(false);
  });
});
