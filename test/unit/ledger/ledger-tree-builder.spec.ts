import { createHash } from 'node:crypto';
import {
  LedgerTreeBuilder,
  StoredTreeMismatchError,
  type LedgerTreeEvent,
} from '../../../src/application/ledger/ledger-tree-builder.js';
import { MerkleFrontier } from '../../../src/application/ledger/merkle/merkle-frontier.js';
import type { StreamHead, TreeLeaf } from '../../../src/application/ports/ledger-tree.port.js';

function event(index: number): LedgerTreeEvent {
  return {
    position: String(100 + index),
    streamId: `stream-${index % 3}`,
    revision: Math.floor(index / 3),
    metadata: { hash: createHash('sha256').update(`event ${index}`).digest('hex') },
  };
}

/** A tree of `size` events checkpointed at `checkpointSize`, as the tables would store it. */
function stored(size: number, checkpointSize: number) {
  const events = Array.from({ length: size }, (_, i) => event(i));
  const builder = LedgerTreeBuilder.empty();
  const frontierAtCheckpoint = MerkleFrontier.empty();
  const leaves: TreeLeaf[] = [];
  const heads = new Map<number, StreamHead>();
  for (const [i, each] of events.slice(0, checkpointSize).entries()) {
    const { leaf } = builder.append(each);
    leaves.push(leaf);
    frontierAtCheckpoint.append(leaf.hash);
    expect(leaf.index).toBe(i);
  }
  const checkpoint = builder.values();
  for (const head of builder.markCheckpointed()) heads.set(head.slot, head);
  for (const each of events.slice(checkpointSize)) leaves.push(builder.append(each).leaf);
  return {
    frontierAtCheckpoint,
    checkpoint,
    checkpointedHeads: [...heads.values()].sort((a, b) => a.slot - b.slot),
    eventsAfterCheckpoint: events.slice(checkpointSize),
    leavesAfterCheckpoint: leaves.slice(checkpointSize),
    expected: builder.values(),
  };
}

describe('resuming the ledger tree from its tables', () => {
  it('resumes the same trees when the tables agree with the signed checkpoint and the events', () => {
    const tables = stored(20, 12);
    const resumed = LedgerTreeBuilder.resume(tables);
    expect(resumed.values()).toEqual(tables.expected);
    expect(resumed.pending).toBe(8);
  });

  it('refuses a stored frontier that does not hash to the signed root', () => {
    const tables = stored(20, 12);
    const other = MerkleFrontier.empty();
    for (let i = 0; i < 12; i += 1) other.append(Buffer.alloc(32, i));
    expect(() => LedgerTreeBuilder.resume({ ...tables, frontierAtCheckpoint: other })).toThrow(
      /do not hash to the root checkpoint 12 signed/,
    );
  });

  it('refuses stored heads moved or removed since the checkpoint signed them', () => {
    const tables = stored(20, 12);
    const [first, ...rest] = tables.checkpointedHeads as [StreamHead, ...StreamHead[]];
    const rewound = [{ ...first, revision: first.revision - 1 }, ...rest];
    expect(() => LedgerTreeBuilder.resume({ ...tables, checkpointedHeads: rewound })).toThrow(
      /stored stream heads are not the 3 heads checkpoint 12 signed/,
    );
    expect(() => LedgerTreeBuilder.resume({ ...tables, checkpointedHeads: rest })).toThrow(
      StoredTreeMismatchError,
    );
  });

  it('refuses stored leaves after the checkpoint that are not the events after it', () => {
    const tables = stored(20, 12);
    const forged = tables.leavesAfterCheckpoint.map((leaf, i) =>
      i === 3 ? { ...leaf, hash: Buffer.alloc(32, 7) } : leaf,
    );
    expect(() => LedgerTreeBuilder.resume({ ...tables, leavesAfterCheckpoint: forged })).toThrow(
      /stored leaf 15 is not the event at position 115/,
    );
    // The frontier handed over is the resumed tree's own: every case starts from fresh tables.
    const again = stored(20, 12);
    const extra = [
      ...again.leavesAfterCheckpoint,
      { ...tables.leavesAfterCheckpoint[0]!, index: 20 },
    ];
    expect(() => LedgerTreeBuilder.resume({ ...again, leavesAfterCheckpoint: extra })).toThrow(
      /stores 9 leaves after checkpoint 12, the ledger has 8 events there/,
    );
  });

  it('refuses heads or a tree without any checkpoint signed over them', () => {
    const tables = stored(5, 0);
    expect(LedgerTreeBuilder.resume({ ...tables, checkpoint: null }).values()).toEqual(
      tables.expected,
    );
    const withHeads = stored(5, 3);
    expect(() =>
      LedgerTreeBuilder.resume({
        ...stored(5, 0),
        checkpoint: null,
        checkpointedHeads: withHeads.checkpointedHeads,
      }),
    ).toThrow(/stored stream heads are not the 0 heads checkpoint 0 signed/);
    expect(() =>
      LedgerTreeBuilder.resume({
        ...withHeads,
        checkpoint: null,
      }),
    ).toThrow(/resumed at 3 leaves, the checkpoint is at 0/);
  });
});
