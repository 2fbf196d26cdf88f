import { ApplicationError } from '../application.errors.js';
import type { LedgerPosition, RecordedEvent } from '../ports/event-store.port.js';
import type { LedgerLookup } from '../ports/ledger-lookup.port.js';
import type { LedgerTreeReader, StoredCheckpoint } from '../ports/ledger-tree.port.js';
import type { LedgerProofs } from './ledger-proofs.js';

/*
 * What an auditor asks of the tree over HTTP: one event's inclusion proof against the newest
 * checkpoint, and the consistency proof between two checkpoints. The answers carry the signed
 * notes; the auditor checks them with the public key, trusting nothing else the service says.
 */

export interface EventProof {
  readonly event: RecordedEvent;
  readonly leafIndex: number;
  /** PATH(leafIndex, D[checkpoint.treeSize]) of RFC 9162. */
  readonly proof: readonly Buffer[];
  readonly checkpoint: StoredCheckpoint;
}

export interface ConsistencyAnswer {
  readonly from: StoredCheckpoint;
  readonly to: StoredCheckpoint;
  /** PROOF(from.treeSize, D[to.treeSize]) of RFC 9162. */
  readonly proof: readonly Buffer[];
}

/** A position is a decimal integer, as the API hands them out. */
const POSITION = /^\d{1,40}$/;

function eventNotFound(position: string): ApplicationError {
  return new ApplicationError(
    'LEDGER.EVENT_NOT_FOUND',
    'not_found',
    `The ledger has no event at position ${position}`,
  );
}

function notYetCheckpointed(
  position: string,
  leafIndex: number | null,
  treeSize: number,
): ApplicationError {
  return new ApplicationError(
    'LEDGER.NOT_YET_CHECKPOINTED',
    'conflict',
    `The event at position ${position} is not covered by a signed checkpoint yet; ask again in a few seconds`,
    { leafIndex, treeSize },
  );
}

function checkpointNotFound(treeSize: number): ApplicationError {
  return new ApplicationError(
    'LEDGER.CHECKPOINT_NOT_FOUND',
    'not_found',
    `No checkpoint has tree size ${treeSize}`,
  );
}

export class LedgerAudit {
  constructor(
    private readonly tree: LedgerTreeReader,
    private readonly lookup: LedgerLookup,
    private readonly proofs: LedgerProofs,
  ) {}

  async eventProof(position: LedgerPosition): Promise<EventProof> {
    if (!POSITION.test(position)) {
      throw new ApplicationError(
        'LEDGER.INVALID_POSITION',
        'invalid',
        'A position is the decimal number a command or the audit log answered',
      );
    }
    const [event, leaf, checkpoint] = await Promise.all([
      this.lookup.eventAt(position),
      this.tree.leafAt(position),
      this.tree.latestCheckpoint(),
    ]);
    if (event === null) throw eventNotFound(position);
    const treeSize = checkpoint?.treeSize ?? 0;
    if (leaf === null || checkpoint === null || leaf.index >= treeSize) {
      throw notYetCheckpointed(position, leaf?.index ?? null, treeSize);
    }
    const proof = await this.proofs.inclusionProof(leaf.index, treeSize);
    return { event, leafIndex: leaf.index, proof, checkpoint };
  }

  async consistency(from: number, to: number): Promise<ConsistencyAnswer> {
    if (from > to) {
      throw new ApplicationError(
        'LEDGER.INVALID_CHECKPOINT_RANGE',
        'invalid',
        '`from` must be a tree size no larger than `to`',
      );
    }
    const [older, newer] = await Promise.all([
      this.tree.checkpointAt(from),
      this.tree.checkpointAt(to),
    ]);
    if (older === null) throw checkpointNotFound(from);
    if (newer === null) throw checkpointNotFound(to);
    return { from: older, to: newer, proof: await this.proofs.consistencyProof(from, to) };
  }
}
