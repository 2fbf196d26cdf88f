import type { CheckpointArchive } from '../../src/application/ports/ledger-tree.port.js';
import { ConflictingCheckpointError } from '../../src/infrastructure/ledger/checkpoint-file-name.js';

export interface ArchiveUnderTest {
  readonly archive: CheckpointArchive;
  teardown(): Promise<void>;
}

const note = (size: number): string =>
  `vytalwatch-call-ledger\n${size}\nroot${size}=\nheads 1 h=\n\n\u2014 vytalwatch-call-ledger sig${size}=\n`;

/** What every checkpoint archive must do, whatever keeps the notes. */
export function checkpointArchiveContract(
  name: string,
  create: () => Promise<ArchiveUnderTest>,
): void {
  describe(`checkpoint archive: ${name}`, () => {
    let subject: ArchiveUnderTest;

    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.teardown();
    });

    it('holds nothing at first', async () => {
      expect(await subject.archive.latest()).toBeNull();
      expect(await subject.archive.at(1000)).toBeNull();
      expect(await subject.archive.sizes(null, 10)).toEqual([]);
    });

    it('keeps each note under its tree size and names the newest, whatever the order of arrival', async () => {
      const sizes = [2000, 1000, 123_456_789_012, 2507, 9, 10];
      for (const size of sizes) await subject.archive.publish(size, note(size));
      for (const size of sizes) expect(await subject.archive.at(size)).toBe(note(size));
      expect(await subject.archive.at(11)).toBeNull();
      expect(await subject.archive.latest()).toEqual({
        treeSize: 123_456_789_012,
        note: note(123_456_789_012),
      });
    });

    it('lists the archived sizes in numeric order, a page at a time', async () => {
      const sizes = [2000, 1000, 123_456_789_012, 2507, 9, 10];
      for (const size of sizes) await subject.archive.publish(size, note(size));
      expect(await subject.archive.sizes(null, 100)).toEqual([
        9, 10, 1000, 2000, 2507, 123_456_789_012,
      ]);
      expect(await subject.archive.sizes(null, 2)).toEqual([9, 10]);
      expect(await subject.archive.sizes(10, 2)).toEqual([1000, 2000]);
      expect(await subject.archive.sizes(999, 10)).toEqual([1000, 2000, 2507, 123_456_789_012]);
      expect(await subject.archive.sizes(123_456_789_012, 10)).toEqual([]);
    });

    it('takes the same note twice as one, and never replaces a note with another', async () => {
      await subject.archive.publish(1000, note(1000));
      await subject.archive.publish(1000, note(1000));
      await expect(subject.archive.publish(1000, note(1001))).rejects.toThrow(
        ConflictingCheckpointError,
      );
      expect(await subject.archive.at(1000)).toBe(note(1000));
    });

    it('describes where it keeps the notes', () => {
      expect(subject.archive.location.length).toBeGreaterThan(0);
    });
  });
}
