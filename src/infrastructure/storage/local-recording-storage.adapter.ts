import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  RecordingObjectNotFoundError,
  assertStorageKey,
  type RecordingStorage,
  type StoredObject,
  type UnfinishedWrite,
} from '../../application/ports/recording-storage.port.js';
import { byteCounter } from './byte-counter.js';

const PARTIAL_SUFFIX = '.partial';
/** `<key>.<uuid>.partial`: a file still being written (or left by a crash while it was). */
const PARTIAL_FILE = /^(.+)\.([0-9a-f-]{36})\.partial$/;

/**
 * Sealed recordings as files under one directory (the embedded default, RECORDINGS_DIR). A file
 * is written under a temporary name and renamed into place once complete, so a failed or cut
 * upload never leaves a partial object at its key.
 */
export class LocalRecordingStorage implements RecordingStorage {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable): Promise<{ sizeBytes: number }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temporary = `${target}.${randomUUID()}${PARTIAL_SUFFIX}`;
    const counter = byteCounter();
    const file = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
    // A stream that fails early can still be opening the file: only once it closed is it gone.
    const fileClosed = new Promise<void>((resolve) => file.once('close', () => resolve()));
    try {
      await pipeline(body, counter, file);
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
      return { sizeBytes: counter.bytes };
    } catch (error) {
      file.destroy();
      await fileClosed;
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string, options: { start?: number } = {}): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream({ highWaterMark: 256 * 1024, start: options.start ?? 0 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RecordingObjectNotFoundError(key);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    for (const file of await this.files()) {
      if (file.endsWith(PARTIAL_SUFFIX)) continue;
      const key = file.split(path.sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await stat(path.join(this.root, file)).catch(() => null);
      if (info?.isFile()) yield { key, sizeBytes: info.size, modifiedAt: info.mtime };
    }
  }

  async *unfinishedWrites(): AsyncIterable<UnfinishedWrite> {
    for (const file of await this.files()) {
      const match = PARTIAL_FILE.exec(file.split(path.sep).join('/'));
      if (!match) continue;
      const info = await stat(path.join(this.root, file)).catch(() => null);
      if (info) yield { key: match[1] ?? '', writeId: match[2] ?? '', startedAt: info.mtime };
    }
  }

  async abortUnfinishedWrite(write: UnfinishedWrite): Promise<void> {
    if (!/^[0-9a-f-]{36}$/.test(write.writeId)) throw new Error('Invalid write id');
    await rm(`${this.pathOf(write.key)}.${write.writeId}${PARTIAL_SUFFIX}`, { force: true });
  }

  /** Every file under the root, as a path relative to it. */
  private async files(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(this.root, path.join(entry.parentPath, entry.name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
