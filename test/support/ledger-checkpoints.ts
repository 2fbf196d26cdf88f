import {
  formatSigningKey,
  generateSigningKey,
  type NoteSigningKey,
} from '../../src/application/ledger/signed-note.js';
import type { TestServer } from './test-server.js';
import { writeLedgerTree } from './ledger-tree-fixture.js';

/** A signing key for a test server, and the environment that gives it to the server and the CLI. */
export function testSigningKey(): { key: NoteSigningKey; env: Record<string, string> } {
  const key = generateSigningKey('vytalwatch-call-ledger');
  return { key, env: { LEDGER_SIGNING_KEY: formatSigningKey(key) } };
}

/** Until the ledger's own tree builder runs in the server: a checkpoint over every event so far. */
export async function checkpointLedger(api: TestServer, key: NoteSigningKey): Promise<number> {
  const size = await api.ledgerEventCount();
  const sizes = [...(checkpointed.get(api) ?? []), size];
  checkpointed.set(api, sizes);
  await writeLedgerTree(api.database.connectionString, key, sizes);
  return size;
}

const checkpointed = new WeakMap<TestServer, number[]>();
