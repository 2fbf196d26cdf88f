/*
 * Archived checkpoints are named by their tree size, zero-padded so that names sort as sizes do:
 * `00000000000000001000.checkpoint` holds the note of the tree of 1000 events.
 */

const DIGITS = 20;
const NAME = /^(\d{20})\.checkpoint$/;

export function checkpointFileName(treeSize: number): string {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new RangeError(`a tree size is a non-negative integer, got ${treeSize}`);
  }
  return `${String(treeSize).padStart(DIGITS, '0')}.checkpoint`;
}

/** The tree size a checkpoint file is named after, or null for any other name. */
export function treeSizeOfFileName(name: string): number | null {
  const match = NAME.exec(name);
  return match ? Number(match[1]) : null;
}

/** Two notes for one size: the archive keeps the first, and says so. */
export class ConflictingCheckpointError extends Error {
  constructor(treeSize: number, location: string) {
    super(`${location} already holds a different checkpoint for tree size ${treeSize}`);
    this.name = 'ConflictingCheckpointError';
  }
}
