import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirectoryCheckpointArchive } from '../../src/infrastructure/ledger/directory-checkpoint-archive.adapter.js';
import { checkpointArchiveContract } from './checkpoint-archive.contract.js';

checkpointArchiveContract('directory', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'vw-archive-'));
  const directory = path.join(root, 'checkpoints');
  return {
    archive: new DirectoryCheckpointArchive(directory),
    teardown: async () => {
      // Nothing written aside stays behind, and every note is world-readable, never writable.
      const names = await readdir(directory).catch(() => []);
      expect(names.filter((name) => name.startsWith('.'))).toEqual([]);
      for (const name of names) {
        expect((await stat(path.join(directory, name))).mode & 0o777).toBe(0o644);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
});
