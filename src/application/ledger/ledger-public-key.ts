import { formatVerifierKey, keyFingerprint, type NoteSigningKey } from './signed-note.js';

export const LEDGER_PUBLIC_KEY = Symbol('LEDGER_PUBLIC_KEY');

/** What an auditor needs to check checkpoints: the verifier key in Go's note format. */
export interface LedgerPublicKey {
  readonly keyName: string;
  readonly verifierKey: string;
  /** SHA-256 (hex) of `verifierKey`, to compare keys by phone or on paper. */
  readonly fingerprint: string;
  readonly origin: string;
}

export function ledgerPublicKey(key: NoteSigningKey, origin: string): LedgerPublicKey {
  const verifierKey = formatVerifierKey(key);
  return { keyName: key.name, verifierKey, fingerprint: keyFingerprint(verifierKey), origin };
}
