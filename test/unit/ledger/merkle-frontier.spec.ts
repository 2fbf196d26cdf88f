import fc from 'fast-check';
import { MerkleFrontier } from '../../../src/application/ledger/merkle/merkle-frontier.js';
import { leafHash } from '../../../src/application/ledger/merkle/merkle-hash.js';
import { perfectCover } from '../../../src/application/ledger/merkle/merkle-proofs.js';
import { CT_EMPTY_ROOT, CT_LEAVES, CT_ROOTS } from './certificate-transparency-vectors.js';
import { numberedLeaves, referenceSubtreeHash } from './reference-merkle-tree.js';

const leaves = numberedLeaves(3000);
const subtreeHash = referenceSubtreeHash(leaves);

describe('MerkleFrontier', () => {
  it('has the known roots of the Certificate Transparency test tree', () => {
    const frontier = MerkleFrontier.empty();
    expect(frontier.root()).toEqual(CT_EMPTY_ROOT);
    CT_LEAVES.forEach((data, i) => {
      frontier.append(leafHash(data));
      expect(frontier.size).toBe(i + 1);
      expect(frontier.root()).toEqual(CT_ROOTS[i]);
    });
  });

  it('root equals the recursive MTH after every append', () => {
    const frontier = MerkleFrontier.empty();
    for (let size = 1; size <= 600; size += 1) {
      frontier.append(leaves[size - 1] as Buffer);
      expect(frontier.root()).toEqual(subtreeHash(0, size));
    }
  });

  it('append returns the leaf and then every perfect subtree it completed', () => {
    const frontier = MerkleFrontier.empty();
    for (let index = 0; index < 300; index += 1) {
      const completed = frontier.append(leaves[index] as Buffer);
      expect(completed[0]).toEqual({ level: 0, index, hash: leaves[index] });
      // Leaf i closes one subtree per trailing 1 bit of i: the ones ending at leaf i + 1.
      let expectedLevels = 1;
      while ((index + 1) % 2 ** expectedLevels === 0) expectedLevels += 1;
      expect(completed.map((node) => node.level)).toEqual([...Array(expectedLevels).keys()]);
      for (const node of completed) {
        const width = 2 ** node.level;
        expect((node.index + 1) * width).toBe(index + 1);
        expect(node.hash).toEqual(subtreeHash(node.index * width, (node.index + 1) * width));
      }
    }
  });

  it('resumes from its perfect subtrees at any size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 300 }),
        (size, more) => {
          const original = MerkleFrontier.empty();
          for (let i = 0; i < size; i += 1) original.append(leaves[i] as Buffer);
          const subtrees = original.perfectSubtrees();
          expect(subtrees.map(({ level, index }) => ({ level, index }))).toEqual(
            perfectCover(0, size),
          );
          const resumed = MerkleFrontier.fromPerfectSubtrees(
            size,
            subtrees.map((node) => node.hash),
          );
          for (let i = size; i < size + more; i += 1) resumed.append(leaves[i] as Buffer);
          expect(resumed.size).toBe(size + more);
          expect(resumed.root()).toEqual(subtreeHash(0, size + more));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses hashes that do not fit', () => {
    expect(() => MerkleFrontier.fromPerfectSubtrees(3, [leaves[0] as Buffer])).toThrow(RangeError);
    expect(() => MerkleFrontier.empty().append(Buffer.alloc(31))).toThrow(RangeError);
  });

  it('completes one subtree per leaf on average, and never more than log2(size) at once', () => {
    const frontier = MerkleFrontier.empty();
    const leaf = leaves[0] as Buffer;
    let completed = 0;
    let most = 0;
    for (let i = 0; i < 200_000; i += 1) {
      const nodes = frontier.append(leaf).length;
      completed += nodes;
      most = Math.max(most, nodes);
    }
    expect(frontier.size).toBe(200_000);
    // The leaf itself and every subtree it closes: 2n - popcount(n) hashes for n leaves.
    const popcount = [...(200_000).toString(2)].filter((bit) => bit === '1').length;
    expect(completed).toBe(2 * 200_000 - popcount);
    expect(most).toBeLessThanOrEqual(Math.ceil(Math.log2(200_000)) + 1);
  });
});
