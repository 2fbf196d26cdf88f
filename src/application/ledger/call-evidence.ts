import type { RecordedEvent } from '../ports/event-store.port.js';
import type { LedgerPublicKey } from './ledger-public-key.js';
import type { StreamVerification } from './stream-verification.js';

/*
 * An evidence bundle: one call's events with everything needed to check them offline, with
 * nothing but the ledger's public key — each event's leaf index and inclusion proof against one
 * signed checkpoint, that checkpoint's note, the call's head as the checkpoint commits it with its
 * proof in the heads tree, and the key the note is signed with. `evidence-verification.ts` checks
 * one. Positions are informational: the tree commits the events' order (leaf indexes), not the
 * store's position numbers.
 */

export const EVIDENCE_FORMAT = 'vytalwatch-call-evidence/1';

export interface EvidenceEvent extends RecordedEvent {
  readonly leafIndex: number | null;
  /** Base64 hashes, innermost first; null when the checkpoint does not cover the event. */
  readonly inclusionProof: readonly string[] | null;
}

export interface EvidenceDocument {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly callId: string;
  readonly streamId: string;
  readonly exportedAt: string;
  readonly events: readonly EvidenceEvent[];
  readonly checkpoint: {
    readonly note: string;
    readonly treeSize: number;
    readonly signedAt: string;
  } | null;
  readonly head: {
    readonly slot: number;
    readonly streamId: string;
    readonly revision: number;
    readonly hash: string;
    readonly proof: readonly string[];
  } | null;
  readonly publicKey: LedgerPublicKey;
}

const base64 = (hashes: readonly Buffer[]): string[] =>
  hashes.map((hash) => hash.toString('base64'));

export function evidenceDocument(
  callId: string,
  streamId: string,
  verification: StreamVerification,
  publicKey: LedgerPublicKey,
  exportedAt: Date,
): EvidenceDocument {
  const { checkpoint, head } = verification;
  return {
    format: EVIDENCE_FORMAT,
    callId,
    streamId,
    exportedAt: exportedAt.toISOString(),
    events: verification.events.map(({ event, leafIndex, proof }) => ({
      ...event,
      leafIndex,
      inclusionProof: proof === null ? null : base64(proof),
    })),
    checkpoint:
      checkpoint === null
        ? null
        : {
            note: checkpoint.note,
            treeSize: checkpoint.treeSize,
            signedAt: checkpoint.signedAt.toISOString(),
          },
    head:
      head === null || checkpoint === null
        ? null
        : {
            slot: head.head.slot,
            streamId: head.head.streamId,
            revision: head.head.revision,
            hash: head.head.hash,
            proof: base64(head.proof),
          },
    publicKey,
  };
}
