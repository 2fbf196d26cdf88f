import { mkdir } from 'node:fs/promises';
import type { RecordingStorage } from '../../application/ports/recording-storage.port.js';
import type { RecordingsConfig } from '../config/recordings-config.js';
import { LocalRecordingStorage } from './local-recording-storage.adapter.js';
import { S3RecordingStorage } from './s3-recording-storage.adapter.js';

/** The configured adapter: S3 with S3_BUCKET, else the local directory RECORDINGS_DIR. */
export async function openRecordingStorage(
  config: RecordingsConfig['storage'],
): Promise<{ storage: RecordingStorage; close(): Promise<void> }> {
  if (config.kind === 's3') {
    const storage = new S3RecordingStorage(config);
    return { storage, close: async () => storage.close() };
  }
  await mkdir(config.dir, { recursive: true, mode: 0o700 });
  return { storage: new LocalRecordingStorage(config.dir), close: async () => undefined };
}
