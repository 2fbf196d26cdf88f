import type { StoredCheckpoint } from '../ports/ledger-tree.port.js';
import { openCheckpoint } from './ledger-checkpoint.js';
import { parseVerifierKey, type NoteVerifierKey } from './signed-note.js';

/*
 * A checkpoint as a verifier trusts it: read from its signed note, never from the columns stored
 * beside it, and only once the note's signature holds under the ledger's public key.
 */

export interface TrustedCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly headsCount: number;
  readonly headsRoot: Buffer;
  /** The signed note it was read from. */
  readonly note: string;
}

/** Opens a signed checkpoint note; throws `UntrustedCheckpointError` saying why it cannot be trusted. */
export type OpenCheckpoint = (note: string) => TrustedCheckpoint;

export class UntrustedCheckpointError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UntrustedCheckpointError';
  }
}

/** Why a note is not trusted, in words for a report. */
export function distrustReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Opens notes signed by `verifierKey` only. */
export function checkpointOpener(verifierKey: NoteVerifierKey | string): OpenCheckpoint {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  return (note) => {
    try {
      const { treeSize, rootHash, headsCount, headsRoot } = openCheckpoint(note, key);
      return { treeSize, rootHash, headsCount, headsRoot, note };
    } catch (error) {
      throw new UntrustedCheckpointError(distrustReason(error));
    }
  };
}

/** Whether the columns stored beside a note say what the trusted note says. */
export function storedAsSigned(
  stored: Pick<TrustedCheckpoint, 'treeSize' | 'rootHash' | 'headsCount' | 'headsRoot'>,
  trusted: TrustedCheckpoint,
): boolean {
  return (
    trusted.treeSize === stored.treeSize &&
    trusted.rootHash.equals(stored.rootHash) &&
    trusted.headsCount === stored.headsCount &&
    trusted.headsRoot.equals(stored.headsRoot)
  );
}

/** A stored checkpoint as its note says, and what is wrong with it (null when nothing is). */
export type StoredCheckpointTrust =
  | { readonly checkpoint: TrustedCheckpoint; readonly problem: null }
  /** The note verifies, but the columns stored beside it say otherwise (checkpoint set), or not. */
  | { readonly checkpoint: TrustedCheckpoint | null; readonly problem: string };

export function trustStored(stored: StoredCheckpoint, open: OpenCheckpoint): StoredCheckpointTrust {
  let opened: TrustedCheckpoint;
  try {
    opened = open(stored.note);
  } catch (error) {
    return {
      checkpoint: null,
      problem: `checkpoint ${stored.treeSize} is not trusted: ${distrustReason(error)}`,
    };
  }
  if (storedAsSigned(stored, opened)) return { checkpoint: opened, problem: null };
  return {
    checkpoint: opened,
    problem: `checkpoint ${stored.treeSize} is stored with values its signed note does not have`,
  };
}
