import type { RecordedEvent } from '../ports/event-store.port.js';
import { EVIDENCE_FORMAT } from './call-evidence.js';
import { verifyStreamIntegrity } from './event-integrity.js';
import { openCheckpoint } from './ledger-checkpoint.js';
import { eventLeafHash, streamHeadLeafHash } from './ledger-leaf.js';
import { verifyInclusion } from './merkle/merkle-proofs.js';
import { keyFingerprint } from './signed-note.js';

/*
 * Checks an evidence bundle (call-evidence.ts) with nothing but its own content and, when given, a
 * public key the auditor obtained elsewhere. No database, no network: a pure function of its input.
 *
 * It holds when the checkpoint note verifies under the key, the events form an intact chain, each
 * event the checkpoint covers is proven in it, and the head the checkpoint commits for the stream is
 * proven in its heads tree and is one of the events (so no event up to it was removed). Events after
 * the checkpoint are reported as not yet checkpointed: only their chain vouches for them.
 */

export interface EvidenceReport {
  /** Nothing in the document contradicts itself: chain, proofs, head and signature hold. */
  readonly verified: boolean;
  /**
   * Verified, and every event is proven in the signed checkpoint. Only then does the bundle vouch
   * for the whole call: an event without a proof (or a bundle without its checkpoint) is backed by
   * the hash chain alone, which anyone who rewrote the call could have recomputed.
   */
  readonly complete: boolean;
  /** False when checked against the key the document carries rather than one the auditor gave. */
  readonly keyPinned: boolean;
  readonly fingerprint: string | null;
  readonly events: number;
  readonly checkpointedEvents: number;
  readonly notYetCheckpointed: number;
  readonly treeSize: number | null;
  /** The first names the first event (or part) that fails. */
  readonly problems: readonly string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

const hashes = (list: readonly string[]): Buffer[] =>
  list.map((item) => Buffer.from(item, 'base64'));

function describeEvent(event: Json, index: number): string {
  const id = typeof event['eventId'] === 'string' ? event['eventId'] : `#${index}`;
  return `event ${id} (revision ${String(event['revision'])})`;
}

export function verifyEvidence(
  document: unknown,
  pinnedVerifierKey: string | null,
): EvidenceReport {
  const problems: string[] = [];
  const failed = (problem: string): EvidenceReport => ({
    verified: false,
    complete: false,
    keyPinned: pinnedVerifierKey !== null,
    fingerprint: null,
    events: 0,
    checkpointedEvents: 0,
    notYetCheckpointed: 0,
    treeSize: null,
    problems: [problem],
  });
  if (!isObject(document) || document['format'] !== EVIDENCE_FORMAT) {
    return failed(`not an evidence document of format ${EVIDENCE_FORMAT}`);
  }
  const { streamId, events, checkpoint, head, publicKey } = document;
  if (
    typeof streamId !== 'string' ||
    !Array.isArray(events) ||
    !events.every(isObject) ||
    !isObject(publicKey)
  ) {
    return failed('the document lacks its stream id, events or public key');
  }
  if (document['callId'] !== undefined && `call-${String(document['callId'])}` !== streamId) {
    problems.push(`the document's call id is not that of stream ${streamId}`);
  }
  const embedded = typeof publicKey['verifierKey'] === 'string' ? publicKey['verifierKey'] : null;
  if (embedded !== null && publicKey['fingerprint'] !== keyFingerprint(embedded)) {
    problems.push("the public key's fingerprint is not the fingerprint of its verifier key");
  }
  const key = pinnedVerifierKey ?? embedded;
  if (key === null) return failed('the document carries no verifier key and none was given');

  let trusted: ReturnType<typeof openCheckpoint> | null = null;
  if (checkpoint !== null) {
    try {
      if (!isObject(checkpoint) || typeof checkpoint['note'] !== 'string')
        throw new Error('it has no note');
      trusted = openCheckpoint(checkpoint['note'], key);
      if (checkpoint['treeSize'] !== trusted.treeSize)
        throw new Error("its tree size is not its note's");
    } catch (error) {
      problems.push(`the checkpoint does not verify under the key: ${(error as Error).message}`);
    }
  }

  // The chain: altered bytes in any event break it at that event; a removed event leaves a gap.
  const chain = verifyStreamIntegrity(events as unknown as RecordedEvent[]);
  if (!chain.verified) {
    const at = chain.checkedEvents - 1;
    problems.push(
      `the hash chain breaks at ${describeEvent(events[at] as Json, at)}: it was changed, or an event before it removed`,
    );
  }
  events.forEach((event, i) => {
    if (event['streamId'] !== streamId)
      problems.push(`${describeEvent(event, i)} is not of stream ${streamId}`);
  });

  let checkpointedEvents = 0;
  const treeSize = trusted?.treeSize ?? 0;
  events.forEach((event, i) => {
    const leafIndex = event['leafIndex'];
    if (trusted === null || typeof leafIndex !== 'number' || leafIndex >= treeSize) return;
    const proof = event['inclusionProof'];
    let proven: boolean;
    try {
      proven =
        isStringList(proof) &&
        verifyInclusion(
          eventLeafHash(event as unknown as RecordedEvent),
          leafIndex,
          treeSize,
          hashes(proof),
          trusted.rootHash,
        );
    } catch {
      proven = false; // a chain hash that is not one: the event was changed
    }
    if (proven) checkpointedEvents += 1;
    else
      problems.push(
        `${describeEvent(event, i)} is not proven in checkpoint ${treeSize}: it was changed`,
      );
  });

  if (trusted !== null) {
    if (isObject(head)) {
      const { slot, revision, hash, proof } = head;
      let proven: boolean;
      try {
        proven =
          head['streamId'] === streamId &&
          typeof slot === 'number' &&
          typeof revision === 'number' &&
          typeof hash === 'string' &&
          isStringList(proof) &&
          verifyInclusion(
            streamHeadLeafHash({ streamId, revision, hash }),
            slot,
            trusted.headsCount,
            hashes(proof),
            trusted.headsRoot,
          );
      } catch {
        proven = false;
      }
      if (!proven)
        problems.push(`the stream's head is not proven in checkpoint ${treeSize}'s heads tree`);
      else {
        const atHead = events.find((event) => event['revision'] === revision);
        if (atHead === undefined || (atHead['metadata'] as Json | undefined)?.['hash'] !== hash) {
          problems.push(
            `the event at revision ${String(revision)}, which checkpoint ${treeSize} commits as the stream's head, was removed or changed`,
          );
        }
        events.forEach((event, i) => {
          const covered = typeof event['leafIndex'] === 'number' && event['leafIndex'] < treeSize;
          if (
            typeof event['revision'] === 'number' &&
            event['revision'] <= (revision as number) &&
            !covered
          ) {
            problems.push(
              `${describeEvent(event, i)} is committed by checkpoint ${treeSize} but carries no proof in it`,
            );
          }
        });
      }
    } else if (checkpointedEvents > 0) {
      problems.push(
        `checkpoint ${treeSize} covers events of the stream, but the document carries no head for it`,
      );
    }
  }

  return {
    verified: problems.length === 0,
    complete: problems.length === 0 && checkpointedEvents === events.length,
    keyPinned: pinnedVerifierKey !== null,
    fingerprint: keyFingerprint(key),
    events: events.length,
    checkpointedEvents,
    notYetCheckpointed: events.length - checkpointedEvents,
    treeSize: trusted?.treeSize ?? null,
    problems,
  };
}
