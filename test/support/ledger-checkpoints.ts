import type { TestServer } from './test-server.js';

/**
 * Waits until the server's tree builder has signed a checkpoint covering every event in the ledger
 * now; answers that checkpoint's tree size.
 */
export async function awaitCheckpoint(api: TestServer, timeoutMs = 15_000): Promise<number> {
  const events = await api.ledgerEventCount();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = await api.server.runtime.ledger.tree.latestCheckpoint();
    if (checkpoint !== null && checkpoint.treeSize >= events) return checkpoint.treeSize;
    if (Date.now() > deadline) {
      throw new Error(`no checkpoint of ${events} events after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
