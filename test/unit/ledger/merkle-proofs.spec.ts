import fc from 'fast-check';
import { emptyRoot, leafHash } from '../../../src/application/ledger/merkle/merkle-hash.js';
import {
  combinePerfect,
  consistencyProof,
  inclusionProof,
  perfectCover,
  rangesNeeded,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/application/ledger/merkle/merkle-proofs.js';
import {
  CT_CONSISTENCY_PROOFS,
  CT_EMPTY_ROOT,
  CT_INCLUSION_PROOFS,
  CT_LEAVES,
  CT_ROOTS,
} from './certificate-transparency-vectors.js';
import {
  flipBit,
  numberedLeaves,
  referenceRoot,
  referenceSubtreeHash,
} from './reference-merkle-tree.js';

const MAX_SIZE = 3000;
const leaves = numberedLeaves(MAX_SIZE);
const subtreeHash = referenceSubtreeHash(leaves);
const rootOf = (size: number): Buffer => subtreeHash(0, size);

const ctLeafHashes = CT_LEAVES.map((data) => leafHash(data));
const ctSubtreeHash = referenceSubtreeHash(ctLeafHashes);

/** A tree size and a leaf index in it. */
const sizeAndIndex = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
/** Sizes m <= n. */
const twoSizes = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
const nonEmptyTwoSizes = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

describe('RFC 9162 hashes', () => {
  it('hash leaves and roots as Certificate Transparency does', () => {
    expect(emptyRoot()).toEqual(CT_EMPTY_ROOT);
    CT_ROOTS.forEach((root, i) => expect(ctSubtreeHash(0, i + 1)).toEqual(root));
    expect(leafHash(Buffer.alloc(0))).toEqual(CT_ROOTS[0]);
  });
});

describe('inclusion proofs', () => {
  it.each(CT_INCLUSION_PROOFS)(
    'match the known proof of leaf $index in a tree of $size',
    ({ index, size, proof }) => {
      expect(inclusionProof(index, size, ctSubtreeHash)).toEqual(proof);
      const leaf = ctLeafHashes[index] as Buffer;
      expect(verifyInclusion(leaf, index, size, proof, CT_ROOTS[size - 1] as Buffer)).toBe(true);
    },
  );

  it('verify for every size and index', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = inclusionProof(index, size, subtreeHash);
        return verifyInclusion(leaves[index] as Buffer, index, size, proof, rootOf(size));
      }),
    );
  });

  it('fail when any bit of the proof, the leaf or the root is flipped', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), ([size, index], pick, bit) => {
        const leaf = leaves[index] as Buffer;
        const root = rootOf(size);
        const proof = inclusionProof(index, size, subtreeHash);
        const targets = proof.length + 2;
        const target = pick % targets;
        if (target === proof.length) {
          return !verifyInclusion(flipBit(leaf, bit), index, size, proof, root);
        }
        if (target === proof.length + 1) {
          return !verifyInclusion(leaf, index, size, proof, flipBit(root, bit));
        }
        const tampered = proof.map((hash, i) => (i === target ? flipBit(hash, bit) : hash));
        return !verifyInclusion(leaf, index, size, tampered, root);
      }),
    );
  });

  it('fail for another index, another size, or a proof one hash longer or shorter', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const leaf = leaves[index] as Buffer;
        const root = rootOf(size);
        const proof = inclusionProof(index, size, subtreeHash);
        const otherIndex = (index + 1) % size;
        return (
          (otherIndex === index || !verifyInclusion(leaf, otherIndex, size, proof, root)) &&
          !verifyInclusion(leaf, index, size * 2, proof, root) &&
          !verifyInclusion(leaf, index, size, [...proof, root], root) &&
          (proof.length === 0 || !verifyInclusion(leaf, index, size, proof.slice(1), root))
        );
      }),
    );
  });

  it('refuse indexes outside the tree', () => {
    expect(() => inclusionProof(3, 3, subtreeHash)).toThrow(RangeError);
    expect(() => inclusionProof(-1, 3, subtreeHash)).toThrow(RangeError);
    expect(verifyInclusion(leaves[0] as Buffer, 1, 1, [], leaves[0] as Buffer)).toBe(false);
    expect(verifyInclusion(leaves[0] as Buffer, 0, 0, [], emptyRoot())).toBe(false);
  });
});

describe('consistency proofs', () => {
  it.each(CT_CONSISTENCY_PROOFS)(
    'match the known proof from $m to $n leaves',
    ({ m, n, proof }) => {
      expect(consistencyProof(m, n, ctSubtreeHash)).toEqual(proof);
      const oldRoot = CT_ROOTS[m - 1] as Buffer;
      expect(verifyConsistency(m, n, proof, oldRoot, CT_ROOTS[n - 1] as Buffer)).toBe(true);
    },
  );

  it('verify for every pair of sizes', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = consistencyProof(m, n, subtreeHash);
        return verifyConsistency(m, n, proof, rootOf(m), rootOf(n));
      }),
    );
  });

  it('fail when any bit of the proof or either root is flipped', () => {
    // From the empty tree every tree is consistent: there is no new root to get wrong.
    fc.assert(
      fc.property(nonEmptyTwoSizes, fc.nat(), fc.nat(255), ([m, n], pick, bit) => {
        const proof = consistencyProof(m, n, subtreeHash);
        const oldRoot = rootOf(m);
        const newRoot = rootOf(n);
        const target = pick % (proof.length + 2);
        if (target === proof.length) {
          return !verifyConsistency(m, n, proof, flipBit(oldRoot, bit), newRoot);
        }
        if (target === proof.length + 1) {
          return !verifyConsistency(m, n, proof, oldRoot, flipBit(newRoot, bit));
        }
        const tampered = proof.map((hash, i) => (i === target ? flipBit(hash, bit) : hash));
        return !verifyConsistency(m, n, tampered, oldRoot, newRoot);
      }),
    );
  });

  it('fail for a tree that is not an extension of the old one', () => {
    fc.assert(
      fc.property(nonEmptyTwoSizes, ([m, n]) => {
        fc.pre(m < n);
        const forked = [...leaves.slice(0, n)];
        forked[m - 1] = leafHash(Buffer.from('forked'));
        const proof = consistencyProof(m, n, referenceSubtreeHash(forked));
        return !verifyConsistency(m, n, proof, rootOf(m), referenceRoot(forked));
      }),
      { numRuns: 50 },
    );
  });

  it('are empty between equal sizes and from the empty tree', () => {
    expect(consistencyProof(5, 5, subtreeHash)).toEqual([]);
    expect(consistencyProof(0, 5, subtreeHash)).toEqual([]);
    expect(verifyConsistency(5, 5, [], rootOf(5), rootOf(5))).toBe(true);
    expect(verifyConsistency(5, 5, [], rootOf(5), rootOf(6))).toBe(false);
    expect(verifyConsistency(0, 5, [], emptyRoot(), rootOf(5))).toBe(true);
    expect(verifyConsistency(0, 5, [], rootOf(1), rootOf(5))).toBe(false);
    expect(verifyConsistency(4, 5, [], rootOf(4), rootOf(5))).toBe(false);
    expect(() => consistencyProof(6, 5, subtreeHash)).toThrow(RangeError);
    expect(verifyConsistency(6, 5, [], rootOf(6), rootOf(5))).toBe(false);
  });
});

describe('subtree ranges', () => {
  it('rangesNeeded names the ranges a proof asks for, in order', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const asked: Array<[number, number]> = [];
        consistencyProof(m, n, (start, end) => {
          asked.push([start, end]);
          return subtreeHash(start, end);
        });
        expect(rangesNeeded((hashOf) => consistencyProof(m, n, hashOf))).toEqual(asked);
      }),
    );
  });

  it('every range a proof asks for is the fold of its perfect cover', () => {
    fc.assert(
      fc.property(sizeAndIndex, twoSizes, ([size, index], [m, n]) => {
        const ranges = [
          ...rangesNeeded((hashOf) => inclusionProof(index, size, hashOf)),
          ...rangesNeeded((hashOf) => consistencyProof(m, n, hashOf)),
        ];
        for (const [start, end] of ranges) {
          const cover = perfectCover(start, end);
          for (const { level, index: at } of cover) {
            const width = 2 ** level;
            expect(at * width).toBeGreaterThanOrEqual(start);
            expect((at + 1) * width).toBeLessThanOrEqual(end);
          }
          const combined = combinePerfect(start, end, (level, at) =>
            subtreeHash(at * 2 ** level, (at + 1) * 2 ** level),
          );
          expect(combined).toEqual(subtreeHash(start, end));
        }
      }),
    );
  });

  it('perfectCover(0, size) is the binary decomposition of the size, largest first', () => {
    expect(perfectCover(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(perfectCover(8, 14)).toEqual([
      { level: 2, index: 2 },
      { level: 1, index: 6 },
    ]);
    expect(perfectCover(7, 7)).toEqual([]);
    expect(() => perfectCover(1, 3)).toThrow(RangeError);
  });

  it('handles indexes beyond 32 bits', () => {
    const size = 2 ** 40 + 5;
    const ranges = rangesNeeded((hashOf) => inclusionProof(2 ** 40 + 3, size, hashOf));
    expect(ranges).toEqual([
      [0, 2 ** 40],
      [2 ** 40 + 4, size],
      [2 ** 40, 2 ** 40 + 2],
      [2 ** 40 + 2, 2 ** 40 + 3],
    ]);
    expect(perfectCover(2 ** 40, 2 ** 40 + 2)).toEqual([{ level: 1, index: 2 ** 39 }]);
  });
});
