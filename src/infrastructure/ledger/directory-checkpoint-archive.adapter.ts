import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointArchive } from '../../application/ports/ledger-tree.port.js';
import {
  checkpointFileName,
  ConflictingCheckpointError,
  treeSizeOfFileName,
} from './checkpoint-file-name.js';

/**
 * Checkpoints as files in a directory (CHECKPOINT_DIR), one per tree size, readable by anyone
 * (0644: they are public). A file appears whole or not at all (written aside, then hard-linked
 * in, which never replaces an existing file), and a stored checkpoint is never overwritten.
 */
export class DirectoryCheckpointArchive implements CheckpointArchive {
  private ready: Promise<void> | null = null;

  constructor(private readonly directory: string) {}

  get location(): string {
    return this.directory;
  }

  async publish(treeSize: number, note: string): Promise<void> {
    const file = path.join(this.directory, checkpointFileName(treeSize));
    this.ready ??= mkdir(this.directory, { recursive: true }).then(() => undefined);
    await this.ready;
    const aside = path.join(
      this.directory,
      `.${checkpointFileName(treeSize)}.${randomBytes(6).toString('hex')}`,
    );
    const handle = await open(aside, 'wx', 0o644);
    try {
      await handle.writeFile(note, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if ((await readFile(file, 'utf8')) !== note) {
        throw new ConflictingCheckpointError(treeSize, this.directory);
      }
    } finally {
      await unlink(aside);
    }
  }

  async latest(): Promise<{ treeSize: number; note: string } | null> {
    const newest = (await this.allSizes()).at(-1);
    if (newest === undefined) return null;
    const note = await this.at(newest);
    return note === null ? null : { treeSize: newest, note };
  }

  async sizes(after: number | null, limit: number): Promise<readonly number[]> {
    const all = await this.allSizes();
    return all.filter((size) => after === null || size > after).slice(0, limit);
  }

  async at(treeSize: number): Promise<string | null> {
    try {
      return await readFile(path.join(this.directory, checkpointFileName(treeSize)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Every archived size, smallest first. */
  private async allSizes(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const sizes = names.map(treeSizeOfFileName).filter((size): size is number => size !== null);
    return sizes.sort((a, b) => a - b);
  }
}
