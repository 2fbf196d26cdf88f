import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash.js';
import { combinePerfect, inclusionProof } from './merkle-proofs.js';
import { assertTreeIndex } from './tree-index.js';

/*
 * An RFC 9162 tree whose leaves may change in place, as the stream heads tree needs: slot s holds
 * the head of the s-th stream and moves on with every event of that stream. Its root and proofs
 * are those of the plain RFC 9162 tree over the current leaves, so `verifyInclusion` checks them.
 *
 * Every complete perfect subtree is kept: level L holds floor(size / 2^L) hashes, 32 bytes each,
 * packed in one growable Uint8Array per level (about 64 bytes per leaf over all levels). A change
 * rehashes the leaf's ancestors only, O(log n); the root folds the perfect subtrees of the size.
 */
export class UpdatableMerkleTree {
  private leafCount = 0;
  /** levels[L] holds the complete subtrees of 2^L leaves, in index order. */
  private readonly levels: Uint8Array[] = [];

  static empty(): UpdatableMerkleTree {
    return new UpdatableMerkleTree();
  }

  static fromLeaves(hashes: readonly Buffer[]): UpdatableMerkleTree {
    const tree = new UpdatableMerkleTree();
    const count = hashes.length;
    const leaves = new Uint8Array(Math.max(count, 1) * HASH_SIZE);
    hashes.forEach((hash, slot) => {
      assertHash(hash);
      leaves.set(hash, slot * HASH_SIZE);
    });
    tree.levels.push(leaves);
    for (let width = Math.floor(count / 2), level = 1; width > 0; width = Math.floor(width / 2)) {
      const below = tree.levels[level - 1] as Uint8Array;
      const nodes = new Uint8Array(width * HASH_SIZE);
      for (let i = 0; i < width; i += 1) {
        nodes.set(nodeHash(slice(below, 2 * i), slice(below, 2 * i + 1)), i * HASH_SIZE);
      }
      tree.levels.push(nodes);
      level += 1;
    }
    tree.leafCount = count;
    return tree;
  }

  get size(): number {
    return this.leafCount;
  }

  /** Sets the leaf hash of `slot`: an update when slot < size, an append when slot === size. */
  set(slot: number, leaf: Buffer): void {
    assertTreeIndex('slot', slot);
    assertHash(leaf);
    if (slot > this.leafCount) {
      throw new RangeError(`slot ${slot} would leave a gap after ${this.leafCount} leaves`);
    }
    if (slot === this.leafCount) this.leafCount += 1;
    this.write(0, slot, leaf);
    let index = slot;
    for (let level = 1; ; level += 1) {
      index = Math.floor(index / 2);
      if (index >= Math.floor(this.leafCount / 2 ** level)) return;
      const below = this.levels[level - 1] as Uint8Array;
      this.write(level, index, nodeHash(slice(below, 2 * index), slice(below, 2 * index + 1)));
    }
  }

  /** The leaf hash at `slot` (a copy). */
  leaf(slot: number): Buffer {
    assertTreeIndex('slot', slot);
    if (slot >= this.leafCount) throw new RangeError(`no slot ${slot} in ${this.leafCount}`);
    return Buffer.from(slice(this.levels[0] as Uint8Array, slot));
  }

  /** RFC 9162 MTH of the current leaves. */
  root(): Buffer {
    if (this.leafCount === 0) return emptyRoot();
    return combinePerfect(0, this.leafCount, (level, index) => this.perfectHash(level, index));
  }

  /** RFC 9162 inclusion proof of `slot` against `root()`. */
  inclusionProof(slot: number): Buffer[] {
    return inclusionProof(slot, this.leafCount, (start, end) =>
      combinePerfect(start, end, (level, index) => this.perfectHash(level, index)),
    );
  }

  private perfectHash(level: number, index: number): Buffer {
    return Buffer.from(slice(this.levels[level] as Uint8Array, index));
  }

  private write(level: number, index: number, hash: Buffer): void {
    let nodes = this.levels[level];
    const needed = (index + 1) * HASH_SIZE;
    if (nodes === undefined || nodes.length < needed) {
      // Doubling keeps appends amortised O(1) in copying.
      const grown = new Uint8Array(Math.max(needed, (nodes?.length ?? 0) * 2, 64 * HASH_SIZE));
      if (nodes !== undefined) grown.set(nodes);
      nodes = grown;
      this.levels[level] = nodes;
    }
    nodes.set(hash, index * HASH_SIZE);
  }
}

function slice(nodes: Uint8Array, index: number): Uint8Array {
  return nodes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
}

function assertHash(hash: Buffer): void {
  if (hash.length !== HASH_SIZE) throw new RangeError(`a leaf hash has ${HASH_SIZE} bytes`);
}
