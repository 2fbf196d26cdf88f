import type {
  CheckpointArchive,
  LedgerTreeReader,
  StoredCheckpoint,
} from '../ports/ledger-tree.port.js';

/* Checkpoints in size order for a pass over the whole ledger: the database's, and the archive's. */

/** Checkpoints in size order, page by page. */
export class CheckpointPages {
  private page: readonly StoredCheckpoint[] = [];
  private next = 0;
  private after = 0;
  private done = false;

  constructor(private readonly tree: LedgerTreeReader) {}

  async peek(): Promise<StoredCheckpoint | null> {
    if (this.next >= this.page.length && !this.done) {
      this.page = await this.tree.checkpoints(this.after, 1000);
      this.next = 0;
      if (this.page.length === 0) this.done = true;
    }
    return this.page[this.next] ?? null;
  }

  take(): void {
    const taken = this.page[this.next];
    if (taken) this.after = taken.treeSize;
    this.next += 1;
  }
}

/** Every size the archive holds, smallest first. */
export async function allArchivedSizes(archive: CheckpointArchive): Promise<number[]> {
  const sizes: number[] = [];
  for (;;) {
    const page = await archive.sizes(sizes.at(-1) ?? null, 1000);
    if (page.length === 0) return sizes;
    sizes.push(...page);
  }
}
