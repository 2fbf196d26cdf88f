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
