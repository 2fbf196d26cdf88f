import type pg from 'pg';
import { LedgerAudit } from '../application/ledger/ledger-audit.js';
import type { LedgerPublicKey } from '../application/ledger/ledger-public-key.js';
import { LedgerProofs } from '../application/ledger/ledger-proofs.js';
import { LedgerVerifier } from '../application/ledger/ledger-verification.js';
import { StreamVerifier } from '../application/ledger/stream-verification.js';
import { checkpointOpener, type OpenCheckpoint } from '../application/ledger/trusted-checkpoint.js';
import type { EventStore } from '../application/ports/event-store.port.js';
import type { LedgerLookup } from '../application/ports/ledger-lookup.port.js';
import type { CheckpointArchive, LedgerTreeReader } from '../application/ports/ledger-tree.port.js';
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
  /** A whole-ledger verifier, reading the archive as well when there is one. */
  verifier(onProgress?: (events: number) => void): LedgerVerifier;
}

/**
 * The tree is kept in PostgreSQL (`pool`) whatever the event store; `store` and `lookup` are the
 * configured event store's (create-event-store.ts), whose feed order the tree follows. `archive`
 * is the second place checkpoints are kept (null: none, which the reports then say).
 */
export function buildLedgerIntegrity(
  pool: pg.Pool,
  store: EventStore,
  lookup: LedgerLookup,
  publicKey: LedgerPublicKey,
  archive: CheckpointArchive | null,
): LedgerIntegrity {
  const tree = new PostgresLedgerTreeReader(pool);
  const proofs = new LedgerProofs(tree);
  const openCheckpoint = checkpointOpener(publicKey.verifierKey);
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
      archive,
      comparePositions: (a, b) => store.comparePositions(a, b),
    }),
    publicKey,
    openCheckpoint,
    verifier: (onProgress) =>
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
