import {
  STORED_NODE_MIN_LEVEL,
  type LedgerTreeReader,
  type StoredCheckpoint,
  type StreamHead,
} from '../ports/ledger-tree.port.js';
import { nodeHash } from './merkle/merkle-hash.js';
import {
  combinePerfect,
  consistencyProof,
  inclusionProof,
  perfectCover,
  rangesNeeded,
  type PerfectSubtree,
  type SubtreeHash,
} from './merkle/merkle-proofs.js';
import { UpdatableMerkleTree } from './merkle/updatable-merkle-tree.js';
import { streamHeadLeafHash } from './ledger-leaf.js';

/*
 * Proofs served from the stored tree. A proof asks for O(log n) subtree hashes; each is the fold
 * of aligned perfect subtrees, the larger of which are stored nodes and the smaller recomputed
 * from at most two runs of fewer than 2^STORED_NODE_MIN_LEVEL leaves each. All are fetched at once
 * (one query for the nodes, one per run of leaves, concurrently), so a proof costs the same few
 * round trips whatever the ledger's size.
 */

/** The stored tree lacks a node or leaf a proof needs: the tables are damaged or still building. */
export class TreeDataMissingError extends Error {
  constructor(what: string) {
    super(`The stored Merkle tree lacks ${what}`);
    this.name = 'TreeDataMissingError';
  }
}

/** The stream heads stored with the newest checkpoint do not hash to its heads root. */
export class HeadsMismatchError extends Error {
  constructor(treeSize: number) {
    super(`The stored stream heads do not match the heads root of checkpoint ${treeSize}`);
    this.name = 'HeadsMismatchError';
  }
}

export interface HeadsProof {
  readonly head: StreamHead;
  /** Inclusion of the head's leaf at `head.slot` in the heads tree of `checkpoint`. */
  readonly proof: readonly Buffer[];
  readonly checkpoint: StoredCheckpoint;
}

const pieceKey = (level: number, index: number): string => `${level}:${index}`;

/** MTH of a perfect run of leaf hashes (its length a power of two). */
function perfectRoot(hashes: readonly Buffer[]): Buffer {
  let level = [...hashes];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(nodeHash(level[i] as Buffer, level[i + 1] as Buffer));
    }
    level = next;
  }
  return level[0] as Buffer;
}

/** Leaf runs [from, to) covering the small pieces, merged where they touch. */
function leafRuns(pieces: readonly PerfectSubtree[]): Array<[number, number]> {
  const spans = pieces
    .map((piece): [number, number] => [
      piece.index * 2 ** piece.level,
      (piece.index + 1) * 2 ** piece.level,
    ])
    .sort((a, b) => a[0] - b[0]);
  const runs: Array<[number, number]> = [];
  for (const [from, to] of spans) {
    const last = runs.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else runs.push([from, to]);
  }
  return runs;
}

export class LedgerProofs {
  /** The heads tree of one checkpoint, rebuilt when a newer checkpoint is asked about. */
  private headsTree: { treeSize: number; tree: Promise<UpdatableMerkleTree> } | null = null;

  constructor(private readonly reader: LedgerTreeReader) {}

  /** PATH(leafIndex, D[treeSize]) for each index, fetched in one go. */
  async inclusionProofs(indexes: readonly number[], treeSize: number): Promise<Buffer[][]> {
    const compute = (hashOf: SubtreeHash): Buffer[][] =>
      indexes.map((index) => inclusionProof(index, treeSize, hashOf));
    return compute(await this.subtreeHashes(rangesNeeded(compute)));
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<Buffer[]> {
    return (await this.inclusionProofs([leafIndex], treeSize))[0] as Buffer[];
  }

  /** PROOF(from, D[to]) of RFC 9162, from the stored tree. */
  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    const compute = (hashOf: SubtreeHash): Buffer[] => consistencyProof(from, to, hashOf);
    return compute(await this.subtreeHashes(rangesNeeded(compute)));
  }

  /**
   * The stream's head as the newest checkpoint commits it, with its proof in that checkpoint's
   * heads tree; null when no checkpoint commits the stream yet.
   */
  async headsProof(streamId: string): Promise<HeadsProof | null> {
    const newest = await this.newestHeadsTree((checkpoint) =>
      Promise.all([this.reader.headOf(streamId), this.headsTreeAt(checkpoint)]),
    );
    if (newest === null) return null;
    const {
      checkpoint,
      value: [head, tree],
    } = newest;
    if (head === null || head.slot >= tree.size) return null;
    return { head, proof: tree.inclusionProof(head.slot), checkpoint };
  }

  /** Throws HeadsMismatchError unless the stored heads hash to the newest checkpoint's heads root. */
  async checkStoredHeads(): Promise<void> {
    await this.newestHeadsTree(
      async (checkpoint) => [null, await this.headsTreeAt(checkpoint)] as const,
    );
  }

  /**
   * Runs `read` against the newest checkpoint, whose heads tree it returns second. The heads table
   * moves with each new checkpoint: when one lands in between, it reads both again.
   */
  private async newestHeadsTree<T>(
    read: (checkpoint: StoredCheckpoint) => Promise<readonly [T, UpdatableMerkleTree]>,
  ): Promise<{ checkpoint: StoredCheckpoint; value: readonly [T, UpdatableMerkleTree] } | null> {
    for (let attempt = 0; ; attempt += 1) {
      const checkpoint = await this.reader.latestCheckpoint();
      if (checkpoint === null) return null;
      const value = await read(checkpoint);
      const tree = value[1];
      if (tree.size === checkpoint.headsCount && tree.root().equals(checkpoint.headsRoot)) {
        return { checkpoint, value };
      }
      this.headsTree = null;
      const newest = await this.reader.latestCheckpoint();
      if (attempt < 2 && newest !== null && newest.treeSize !== checkpoint.treeSize) continue;
      throw new HeadsMismatchError(checkpoint.treeSize);
    }
  }

  private headsTreeAt(checkpoint: StoredCheckpoint): Promise<UpdatableMerkleTree> {
    if (this.headsTree?.treeSize !== checkpoint.treeSize) {
      const tree = this.reader
        .heads()
        .then((heads) => UpdatableMerkleTree.fromLeaves(heads.map(streamHeadLeafHash)));
      tree.catch(() => {
        if (this.headsTree?.tree === tree) this.headsTree = null;
      });
      this.headsTree = { treeSize: checkpoint.treeSize, tree };
    }
    return this.headsTree.tree;
  }

  /** A SubtreeHash answering exactly these ranges, from stored nodes and leaves. */
  private async subtreeHashes(ranges: ReadonlyArray<[number, number]>): Promise<SubtreeHash> {
    const pieces = new Map<string, PerfectSubtree>();
    for (const [start, end] of ranges) {
      for (const piece of perfectCover(start, end))
        pieces.set(pieceKey(piece.level, piece.index), piece);
    }
    const stored = [...pieces.values()].filter((piece) => piece.level >= STORED_NODE_MIN_LEVEL);
    const small = [...pieces.values()].filter((piece) => piece.level < STORED_NODE_MIN_LEVEL);
    const [nodes, ...runs] = await Promise.all([
      this.reader.nodes(stored),
      ...leafRuns(small).map(([from, to]) => this.reader.leaves(from, to)),
    ]);
    const hashes = new Map<string, Buffer>();
    for (const node of nodes ?? []) hashes.set(pieceKey(node.level, node.index), node.hash);
    const leafHashes = new Map<number, Buffer>();
    for (const run of runs) for (const leaf of run) leafHashes.set(leaf.index, leaf.hash);
    for (const piece of small) {
      const first = piece.index * 2 ** piece.level;
      const run: Buffer[] = [];
      for (let i = first; i < first + 2 ** piece.level; i += 1) {
        const hash = leafHashes.get(i);
        if (hash === undefined) throw new TreeDataMissingError(`leaf ${i}`);
        run.push(hash);
      }
      hashes.set(pieceKey(piece.level, piece.index), perfectRoot(run));
    }
    return (start, end) =>
      combinePerfect(start, end, (level, index) => {
        const hash = hashes.get(pieceKey(level, index));
        if (hash === undefined)
          throw new TreeDataMissingError(`the node at level ${level}, index ${index}`);
        return hash;
      });
  }
}
