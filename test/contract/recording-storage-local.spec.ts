import { mkdtemp, readdir, rm } from 'node:fs/promises';
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
    };
  },
  { largeBytes: 12 * 1024 * 1024 },
);
