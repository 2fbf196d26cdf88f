import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
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
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    return {
      storage,
      teardown: async () => {
        client.destroy();
        storage.close();
        await s3.stop();
      },
      // What a crash during `put` leaves: a multipart upload begun, a part sent, never completed.
      leaveUnfinishedWrite: async (key) => {
        const { UploadId } = await client.send(
          new CreateMultipartUploadCommand({ Bucket: 'recordings', Key: key }),
        );
        await client.send(
          new UploadPartCommand({
            Bucket: 'recordings',
            Key: key,
            UploadId,
            PartNumber: 1,
            Body: Buffer.from('sealed bytes so far'),
          }),
        );
      },
    };
  },
  { largeBytes: 12 * 1024 * 1024 },
);
