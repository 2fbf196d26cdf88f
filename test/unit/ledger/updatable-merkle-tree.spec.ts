import fc from 'fast-check';
import { leafHash } from '../../../src/application/ledger/merkle/merkle-hash.js';
import { verifyInclusion } from '../../../src/application/ledger/merkle/merkle-proofs.js';
import { UpdatableMerkleTree } from '../../../src/application/ledger/merkle/updatable-merkle-tree.js';
import { CT_EMPTY_ROOT, CT_LEAVES, CT_ROOTS } from './certificate-transparency-vectors.js';
import { flipBit, referenceRoot } from './reference-merkle-tree.js';

/** Appends (slot = size) and updates (slot < size), each with a fresh leaf hash. */
const operations = fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat()), {
  minLength: 1,
  maxLength: 400,
});

describe('UpdatableMerkleTree', () => {
  it('has the known roots of the Certificate Transparency test tree', () => {
    const tree = UpdatableMerkleTree.empty();
    expect(tree.root()).toEqual(CT_EMPTY_ROOT);
    CT_LEAVES.forEach((data, slot) => {
      tree.set(slot, leafHash(data));
      expect(tree.root()).toEqual(CT_ROOTS[slot]);
    });
    expect(UpdatableMerkleTree.fromLeaves(CT_LEAVES.map((data) => leafHash(data))).root()).toEqual(
      CT_ROOTS[7],
    );
  });

  it('root equals the MTH of its leaves after random appends and updates', () => {
    fc.assert(
      fc.property(operations, fc.nat(), (steps, probe) => {
        const tree = UpdatableMerkleTree.empty();
        const leaves: Buffer[] = [];
        steps.forEach(([append, at, data], step) => {
          const slot = append || leaves.length === 0 ? leaves.length : at % leaves.length;
          const hash = leafHash(Buffer.from(`${step}:${data}`));
          leaves[slot] = hash;
          tree.set(slot, hash);
        });
        const root = referenceRoot(leaves);
        expect(tree.size).toBe(leaves.length);
        expect(tree.root()).toEqual(root);
        expect(UpdatableMerkleTree.fromLeaves(leaves).root()).toEqual(root);
        const slot = probe % leaves.length;
        expect(tree.leaf(slot)).toEqual(leaves[slot]);
        const proof = tree.inclusionProof(slot);
        expect(verifyInclusion(leaves[slot] as Buffer, slot, leaves.length, proof, root)).toBe(
          true,
        );
        const stale = flipBit(leaves[slot] as Buffer, probe);
        expect(verifyInclusion(stale, slot, leaves.length, proof, root)).toBe(false);
      }),
      { numRuns: 80 },
    );
  });

  it('proofs from a tree built at once match those of one built by appends', () => {
    const leaves = Array.from({ length: 777 }, (_, i) => leafHash(Buffer.from(String(i))));
    const appended = UpdatableMerkleTree.empty();
    leaves.forEach((hash, slot) => appended.set(slot, hash));
    const built = UpdatableMerkleTree.fromLeaves(leaves);
    for (const slot of [0, 1, 255, 256, 511, 776]) {
      expect(built.inclusionProof(slot)).toEqual(appended.inclusionProof(slot));
    }
  });

  it('refuses a slot past the end and hashes of the wrong size', () => {
    const tree = UpdatableMerkleTree.fromLeaves([leafHash(Buffer.from('a'))]);
    expect(() => tree.set(2, leafHash(Buffer.from('b')))).toThrow(RangeError);
    expect(() => tree.set(0, Buffer.alloc(16))).toThrow(RangeError);
    expect(() => tree.inclusionProof(1)).toThrow(RangeError);
  });
});
