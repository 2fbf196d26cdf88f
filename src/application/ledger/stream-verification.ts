import type { RecordedEvent } from '../ports/event-store.port.js';
import type { LedgerLookup } from '../ports/ledger-lookup.port.js';
import type {
  CheckpointArchive,
  LedgerTreeReader,
  StoredCheckpoint,
  StreamHead,
} from '../ports/ledger-tree.port.js';
import { verifyStreamIntegrity, type StreamIntegrityReport } from './event-integrity.js';
import { eventLeafHash, streamHeadLeafHash } from './ledger-leaf.js';
import type { LedgerProofs } from './ledger-proofs.js';
import { verifyInclusion } from './merkle/merkle-proofs.js';
import {
  distrustReason,
  trustStored,
  type OpenCheckpoint,
  type TrustedCheckpoint,
} from './trusted-checkpoint.js';

/*
 * One stream checked against everything that anchors it: its hash chain, the head the store keeps
 * beside the events (so its last events cannot go unnoticed), the head the newest signed checkpoint
 * commits (so the store's head cannot be rewritten with them), that checkpoint against the archive
 * outside the database (so it cannot be rolled back or replaced), and each checkpointed event's
 * inclusion proof against that checkpoint's root. Events after the checkpoint are "not yet
 * checkpointed": their chain holds, but nothing signed vouches for them yet.
 */

export type IntegrityStatus = 'verified' | 'not_yet_checkpointed' | 'failed';

export interface StreamHeadIntegrity {
  /** The stream's last event as read. */
  readonly revision: number | null;
  readonly hash: string | null;
  /** Whether the store's own record of the head (ledger_streams) names that event. */
  readonly store: 'matches' | 'differs' | 'missing';
  /** The head the checkpoint commits, and whether its heads proof and the events agree with it. */
  readonly checkpointed: {
    readonly slot: number;
    readonly revision: number;
    readonly hash: string;
    readonly verified: boolean;
  } | null;
}

export interface CheckpointIntegrity {
  readonly treeSize: number;
  readonly signedAt: string;
  /** Events of the stream the checkpoint covers, each with a verified inclusion proof when verified. */
  readonly checkpointedEvents: number;
  readonly notYetCheckpointed: number;
}

/** The timeline's `integrity`: the chain report as before, with the head and the checkpoint. */
export interface StreamIntegrity extends StreamIntegrityReport {
  /** `verified` is true only for this status. */
  readonly status: IntegrityStatus;
  /** The first thing that does not hold; null unless failed. */
  readonly problem: string | null;
  readonly head: StreamHeadIntegrity;
  readonly checkpoint: CheckpointIntegrity | null;
}

export interface EventInclusion {
  readonly event: RecordedEvent;
  /** Null while the tree has no leaf for the event yet. */
  readonly leafIndex: number | null;
  /** Against `StreamVerification.checkpoint`; null when the checkpoint does not cover the event. */
  readonly proof: readonly Buffer[] | null;
}

export interface StreamVerification {
  readonly integrity: StreamIntegrity;
  readonly events: readonly EventInclusion[];
  readonly checkpoint: (TrustedCheckpoint & { readonly signedAt: Date }) | null;
  readonly head: { readonly head: StreamHead; readonly proof: readonly Buffer[] } | null;
}

export interface StreamVerifierDeps {
  readonly tree: LedgerTreeReader;
  readonly lookup: LedgerLookup;
  readonly proofs: LedgerProofs;
  readonly openCheckpoint: OpenCheckpoint;
  /** The second place checkpoints are kept, compared with the database's newest; null: none. */
  readonly archive: Pick<CheckpointArchive, 'sizes' | 'at'> | null;
  /** The store's order of positions (EventStore.comparePositions). */
  readonly comparePositions: (a: string, b: string) => number;
}

export class StreamVerifier {
  constructor(private readonly deps: StreamVerifierDeps) {}

  /** `events` is the whole stream in revision order, as the store reads it. */
  async verify(streamId: string, events: readonly RecordedEvent[]): Promise<StreamVerification> {
    const { tree, lookup, proofs } = this.deps;
    const problems: string[] = [];
    const chain = verifyStreamIntegrity(events);
    if (!chain.verified) problems.push(`the hash chain breaks at revision ${chain.brokenAt}`);
    const last = events.at(-1) ?? null;

    const [storeHead, headsProof, leaves] = await Promise.all([
      lookup.streamHead(streamId),
      proofs.headsProof(streamId).catch((error: unknown) => {
        problems.push(`the stream heads cannot be proven: ${distrustReason(error)}`);
        return null;
      }),
      Promise.all(events.map((event) => tree.leafAt(event.position))),
    ]);
    const store = storeHeadState(storeHead, last);
    if (store !== 'matches') {
      problems.push(
        store === 'missing'
          ? 'the store keeps no head for the stream'
          : `the store's head (revision ${storeHead?.revision}) is not the stream's last event (revision ${last?.revision ?? 'none'})`,
      );
    }

    const stored = headsProof?.checkpoint ?? (await tree.latestCheckpoint());
    const checkpoint = stored === null ? null : this.trust(stored, problems);
    await this.compareWithArchive(stored, problems);

    let checkpointedHead: StreamHeadIntegrity['checkpointed'] = null;
    if (headsProof !== null && checkpoint !== null) {
      const { head, proof } = headsProof;
      const proven =
        head.streamId === streamId &&
        verifyHeadInclusion(head, proof, checkpoint.headsCount, checkpoint.headsRoot);
      const atRevision = events[head.revision];
      const matches = atRevision !== undefined && atRevision.metadata.hash === head.hash;
      if (!proven) problems.push(`the heads proof of the checkpointed head does not verify`);
      else if (!matches) {
        problems.push(
          atRevision === undefined
            ? `checkpoint ${checkpoint.treeSize} commits revision ${head.revision}, but the stream ends at revision ${last?.revision ?? 'none'}`
            : `the event at revision ${head.revision} is not the one checkpoint ${checkpoint.treeSize} commits`,
        );
      }
      checkpointedHead = {
        slot: head.slot,
        revision: head.revision,
        hash: head.hash,
        verified: proven && matches,
      };
    }

    const treeSize = checkpoint?.treeSize ?? 0;
    // The position of the checkpoint's last leaf: an event before it must be in the checkpoint.
    const lastCovered =
      treeSize > 0 ? ((await tree.leaves(treeSize - 1, treeSize))[0]?.position ?? null) : null;
    const covered: number[] = [];
    events.forEach((event, i) => {
      const leaf = leaves[i] ?? null;
      if (leaf === null) {
        if (lastCovered !== null && this.deps.comparePositions(event.position, lastCovered) < 0) {
          problems.push(
            `the event at revision ${event.revision} lies within checkpoint ${treeSize} but is not in its tree`,
          );
        } else if (checkpointedHead !== null && event.revision <= checkpointedHead.revision) {
          problems.push(
            `the event at revision ${event.revision} is checkpointed but has no leaf in the tree`,
          );
        }
        return;
      }
      if (leaf.streamId !== event.streamId || leaf.revision !== event.revision) {
        problems.push(
          `the tree's leaf at position ${event.position} is not the event at revision ${event.revision}`,
        );
      } else if (leaf.index < treeSize) covered.push(i);
    });
    const proofsOf =
      checkpoint === null
        ? []
        : await proofs
            .inclusionProofs(
              covered.map((i) => (leaves[i] as { index: number }).index),
              treeSize,
            )
            .catch((error: unknown) => {
              problems.push(`inclusion proofs cannot be served: ${distrustReason(error)}`);
              return null;
            });
    const inclusion: EventInclusion[] = events.map((event, i) => ({
      event,
      leafIndex: leaves[i]?.index ?? null,
      proof: null,
    }));
    covered.forEach((i, n) => {
      const proof = proofsOf?.[n];
      const event = events[i] as RecordedEvent;
      const leafIndex = (leaves[i] as { index: number }).index;
      if (proof === undefined || checkpoint === null) return;
      inclusion[i] = { event, leafIndex, proof };
      if (!eventProven(event, leafIndex, treeSize, proof, checkpoint.rootHash)) {
        problems.push(
          `the event at revision ${event.revision} (position ${event.position}) is not in checkpoint ${treeSize}`,
        );
      }
    });
    if (checkpointedHead === null && covered.length > 0) {
      problems.push(
        `checkpoint ${treeSize} covers events of the stream but commits no head for it`,
      );
    }

    const notYetCheckpointed = events.length - covered.length;
    const status: IntegrityStatus =
      problems.length > 0 ? 'failed' : notYetCheckpointed > 0 ? 'not_yet_checkpointed' : 'verified';
    return {
      integrity: {
        verified: status === 'verified',
        checkedEvents: chain.checkedEvents,
        brokenAt: chain.brokenAt,
        status,
        problem: problems[0] ?? null,
        head: {
          revision: last?.revision ?? null,
          hash: last?.metadata.hash ?? null,
          store,
          checkpointed: checkpointedHead,
        },
        checkpoint:
          checkpoint === null || stored === null
            ? null
            : {
                treeSize,
                signedAt: stored.signedAt.toISOString(),
                checkpointedEvents: covered.length,
                notYetCheckpointed,
              },
      },
      events: inclusion,
      checkpoint:
        checkpoint === null || stored === null
          ? null
          : { ...checkpoint, signedAt: stored.signedAt },
      head: headsProof === null ? null : { head: headsProof.head, proof: headsProof.proof },
    };
  }

  /**
   * The archive must hold nothing newer than the database's newest checkpoint, nor another note
   * for it. A newer one the database has by now was signed while this check ran, which is fine.
   */
  private async compareWithArchive(
    stored: StoredCheckpoint | null,
    problems: string[],
  ): Promise<void> {
    const { archive, tree } = this.deps;
    if (archive === null) return;
    const size = stored?.treeSize ?? 0;
    try {
      const [newer] = await archive.sizes(size, 1);
      if (newer !== undefined) {
        const [archived, inDatabase] = await Promise.all([
          archive.at(newer),
          tree.checkpointAt(newer),
        ]);
        if (inDatabase === null || inDatabase.note !== archived) {
          problems.push(
            `the archive holds checkpoint ${newer}, newer than the database's newest (${size}): the database lost checkpoints`,
          );
        }
      }
      if (stored === null) return;
      const archived = await archive.at(size);
      if (archived !== null && archived !== stored.note) {
        problems.push(
          `the database's checkpoint ${size} is not the note the archive holds for that size: it was replaced`,
        );
      }
    } catch (error) {
      problems.push(`the checkpoint archive cannot be read: ${distrustReason(error)}`);
    }
  }

  /** The checkpoint as its note says when the note verifies, with what is wrong as a problem. */
  private trust(stored: StoredCheckpoint, problems: string[]): TrustedCheckpoint | null {
    const { checkpoint, problem } = trustStored(stored, this.deps.openCheckpoint);
    if (problem !== null) problems.push(problem);
    return checkpoint;
  }
}

function eventProven(
  event: RecordedEvent,
  leafIndex: number,
  treeSize: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  try {
    return verifyInclusion(eventLeafHash(event), leafIndex, treeSize, proof, root);
  } catch {
    return false; // an event whose hash is not a chain hash at all
  }
}

function verifyHeadInclusion(
  head: StreamHead,
  proof: readonly Buffer[],
  headsCount: number,
  headsRoot: Buffer,
): boolean {
  try {
    return verifyInclusion(streamHeadLeafHash(head), head.slot, headsCount, proof, headsRoot);
  } catch {
    return false; // a stored head whose hash is not a chain hash at all
  }
}

function storeHeadState(
  storeHead: { revision: number; hash: string | null } | null,
  last: RecordedEvent | null,
): StreamHeadIntegrity['store'] {
  if (storeHead === null) return 'missing';
  return last !== null &&
    storeHead.revision === last.revision &&
    storeHead.hash === last.metadata.hash
    ? 'matches'
    : 'differs';
}
