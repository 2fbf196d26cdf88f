import type { CheckpointArchive } from '../../application/ports/ledger-tree.port.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import { DirectoryCheckpointArchive } from './directory-checkpoint-archive.adapter.js';
import { S3CheckpointArchive } from './s3-checkpoint-archive.adapter.js';

/** The configured archive: S3 with CHECKPOINT_S3_BUCKET, else the directory CHECKPOINT_DIR. */
export function openCheckpointArchive(config: LedgerConfig['archive']): {
  archive: CheckpointArchive;
  close(): Promise<void>;
} {
  if (config.kind === 's3') {
    const archive = new S3CheckpointArchive(config);
    return { archive, close: async () => archive.close() };
  }
  return { archive: new DirectoryCheckpointArchive(config.dir), close: async () => undefined };
}
