import { S3RecordingStorage } from '../../src/infrastructure/storage/s3-recording-storage.adapter.js';
import { recordingStorageContract } from './recording-storage.contract.js';
import { startS3rver } from './recording-storage-s3rver.js';

recordingStorageContract(
  's3 (s3rver)',
  async () => {
    const s3 = await startS3rver('recordings');
    const storage = new S3RecordingStorage({
      bucket: 'recordings',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      partSize: 5 * 1024 * 1024,
    });
    return {
      storage,
      teardown: async () => {
        storage.close();
        await s3.stop();
      },
    };
  },
  { largeBytes: 12 * 1024 * 1024 },
);
