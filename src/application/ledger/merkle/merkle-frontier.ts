import type { TreeNode } from '../../ports/ledger-tree.port.js';
import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash.js';
import { alignedPieces, assertTreeIndex } from './tree-index.js';

/*
 * The right edge of an RFC 9162 tree, enough to append leaves and compute the root without the
 * leaves themselves: the hashes of the perfect subtrees that the binary decomposition of the size
 * names, largest first (size 13 = 8 + 4 + 1: leaves [0, 8), [8, 12) and [12, 13)). The root is
 * their right fold, nodeHash(s0, nodeHash(s1, s2)), which is exactly RFC 9162's MTH, since its
 * split point k (the largest power of two below n) always falls at the end of the largest subtree.
 *
 * Appending a leaf merges the trailing subtrees of equal size, as a binary counter carries: one
 * hash per completed subtree, so on average one nodeHash per leaf and at most log2(size).
 */
export class MerkleFrontier {
  private leafCount: number;
  /** Perfect subtree hashes, largest (leftmost) first. */
  private readonly subtrees: Buffer[];

  private constructor(size: number, subtrees: Buffer[]) {
    this.leafCount = size;
    this.subtrees = subtrees;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /**
   * Resumes a tree of `size` leaves from the hashes of its perfect subtrees, largest first (the
   * ranges `perfectCover(0, size)` names).
   */
  static fromPerfectSubtrees(size: number, hashes: readonly Buffer[]): MerkleFrontier {
    assertTreeIndex('size', size);
    const expected = [...alignedPieces(0, size)].length;
    if (hashes.length !== expected) {
      throw new RangeError(
        `a tree of ${size} leaves has ${expected} perfect subtrees, got ${hashes.length}`,
      );
    }
    for (const hash of hashes) {
      if (hash.length !== HASH_SIZE) throw new RangeError(`a subtree hash has ${HASH_SIZE} bytes`);
    }
    return new MerkleFrontier(size, [...hashes]);
  }

  get size(): number {
    return this.leafCount;
  }

  /**
   * Appends one leaf hash and returns every perfect subtree it completed: the leaf itself (level
   * 0, index = its leaf index), then each larger subtree it closed, level by level.
   */
  append(leaf: Buffer): TreeNode[] {
    if (leaf.length !== HASH_SIZE) throw new RangeError(`a leaf hash has ${HASH_SIZE} bytes`);
    const index = this.leafCount;
    const completed: TreeNode[] = [{ level: 0, index, hash: leaf }];
    let carry = leaf;
    // A trailing 1 bit in the old size is a subtree of the carry's size waiting on its left.
    let bits = index;
    let newSizeAtLevel = index + 1;
    let level = 0;
    while (bits % 2 === 1) {
      carry = nodeHash(this.subtrees.pop() as Buffer, carry);
      bits = (bits - 1) / 2;
      newSizeAtLevel /= 2;
      level += 1;
      completed.push({ level, index: newSizeAtLevel - 1, hash: carry });
    }
    this.subtrees.push(carry);
    this.leafCount = index + 1;
    return completed;
  }

  /** RFC 9162 MTH of all leaves appended so far. */
  root(): Buffer {
    const count = this.subtrees.length;
    if (count === 0) return emptyRoot();
    let root = this.subtrees[count - 1] as Buffer;
    for (let i = count - 2; i >= 0; i -= 1) root = nodeHash(this.subtrees[i] as Buffer, root);
    return root;
  }

  /** The perfect subtrees of the current size, largest first, as `fromPerfectSubtrees` takes them. */
  perfectSubtrees(): TreeNode[] {
    const pieces = [...alignedPieces(0, this.leafCount)];
    return pieces.map((piece, i) => ({ ...piece, hash: this.subtrees[i] as Buffer }));
  }
}
