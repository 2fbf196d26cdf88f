/** A stored recording as the read model lists it: where to look it up in the ledger. */
export interface SealedRecordingRef {
  readonly callId: string;
  readonly recordingId: string;
}

/**
 * Finds the stored recordings whose data key is wrapped by a KEK other than the current one. It
 * reads a read model, which may lag: the ledger is checked again before anything is changed.
 */
export interface SealedRecordingIndex {
  /** Up to `limit` recordings after `after` (in a stable order), sealed with a key other than `keyId`. */
  sealedWithOtherKeys(
    keyId: string,
    after: SealedRecordingRef | null,
    limit: number,
  ): Promise<readonly SealedRecordingRef[]>;
}
