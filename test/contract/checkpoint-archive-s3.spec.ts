import { S3CheckpointArchive } from '../../src/infrastructure/ledger/s3-checkpoint-archive.adapter.js';
import { checkpointArchiveContract } from './checkpoint-archive.contract.js';
import { startS3rver } from './recording-storage-s3rver.js';

let run = 0;

checkpointArchiveContract('s3 (s3rver)', async () => {
  const s3 = await startS3rver('ledger');
  run += 1;
  const archive = new S3CheckpointArchive({
    bucket: 'ledger',
    prefix: `run-${run}/checkpoints/`,
    retentionDays: 30,
    client: {
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
  });
  return {
    archive,
    teardown: async () => {
      archive.close();
      await s3.stop();
    },
  };
});
