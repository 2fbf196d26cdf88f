import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalRecordingStorage } from '../../src/infrastructure/storage/local-recording-storage.adapter.js';
import { recordingStorageContract } from './recording-storage.contract.js';

recordingStorageContract(
  'local directory',
  async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'vw-recordings-'));
    return {
      storage: new LocalRecordingStorage(root),
      teardown: async () => {
        // Failed and finished uploads alike leave no temporary file behind.
        const files = await readdir(root, { recursive: true });
        expect(files.filter((file) => String(file).endsWith('.partial'))).toEqual([]);
        await rm(root, { recursive: true, force: true });
      },
      // What a crash during `put` leaves: the temporary file beside the key.
      leaveUnfinishedWrite: async (key) => {
        const target = path.join(root, ...key.split('/'));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(`${target}.${randomUUID()}.partial`, 'sealed bytes so far');
      },
    };
  },
  { largeBytes: 12 * 1024 * 1024 },
);
