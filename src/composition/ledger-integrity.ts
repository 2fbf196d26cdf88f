import type { Logger } from 'pino';
import type pg from 'pg';
import { LedgerAudit } from '../application/ledger/ledger-audit.js';
import type { LedgerPublicKey } from '../application/ledger/call-evidence.js';
import { LedgerProofs } from '../application/ledger/ledger-proofs.js';
import { LedgerVerifier } from '../application/ledger/ledger-verification.js';
import {
  formatVerifierKey,
  generateSigningKey,
  keyFingerprint,
  parseSigningKey,
  type NoteSigningKey,
  type NoteVerifierKey,
} from '../application/ledger/signed-note.js';
import { StreamVerifier } from '../application/ledger/stream-verification.js';
import { checkpointOpener, type OpenCheckpoint } from '../application/ledger/trusted-checkpoint.js';
import type { EventStore } from '../application/ports/event-store.port.js';
import type { LedgerLookup } from '../application/ports/ledger-lookup.port.js';
import type { CheckpointArchive, LedgerTreeReader } from '../application/ports/ledger-tree.port.js';
import type { AppConfig } from '../infrastructure/config/app-config.js';
import { PostgresLedgerLookup } from '../infrastructure/event-store/postgres/postgres-ledger-lookup.adapter.js';
import { PostgresLedgerTreeReader } from '../infrastructure/ledger/postgres-ledger-tree-reader.adapter.js';

/** What reads, proves and verifies the ledger's tree: shared by the server and the CLI. */
export interface LedgerIntegrity {
  readonly tree: LedgerTreeReader;
  readonly lookup: LedgerLookup;
  readonly proofs: LedgerProofs;
  readonly audit: LedgerAudit;
  readonly streams: StreamVerifier;
  readonly publicKey: LedgerPublicKey;
  readonly openCheckpoint: OpenCheckpoint;
  /** A whole-ledger verifier; `archive` is the second place checkpoints are kept, when there is one. */
  verifier(
    archive: CheckpointArchive | null,
    onProgress?: (events: number) => void,
  ): LedgerVerifier;
}

export function buildLedgerIntegrity(
  pool: pg.Pool,
  store: EventStore,
  verifierKey: NoteVerifierKey,
): LedgerIntegrity {
  const tree = new PostgresLedgerTreeReader(pool);
  const lookup = new PostgresLedgerLookup(pool);
  const proofs = new LedgerProofs(tree);
  const openCheckpoint = checkpointOpener(verifierKey);
  const verifierKeyText = formatVerifierKey(verifierKey);
  return {
    tree,
    lookup,
    proofs,
    audit: new LedgerAudit(tree, lookup, proofs),
    streams: new StreamVerifier({
      tree,
      lookup,
      proofs,
      openCheckpoint,
      comparePositions: (a, b) => store.comparePositions(a, b),
    }),
    publicKey: {
      keyName: verifierKey.name,
      verifierKey: verifierKeyText,
      fingerprint: keyFingerprint(verifierKeyText),
    },
    openCheckpoint,
    verifier: (archive, onProgress) =>
      new LedgerVerifier({
        store,
        tree,
        lookup,
        proofs: new LedgerProofs(tree),
        openCheckpoint,
        archive,
        onProgress,
      }),
  };
}

/** The checkpoints' signing key from LEDGER_SIGNING_KEY; without it, one for this process only. */
export function ledgerSigningKey(config: AppConfig, logger: Logger): NoteSigningKey {
  if (config.ledgerSigningKey !== null) return parseSigningKey(config.ledgerSigningKey);
  logger.warn('LEDGER_SIGNING_KEY is not set: checkpoints are signed with a per-process key');
  return generateSigningKey('vytalwatch-call-ledger');
}
