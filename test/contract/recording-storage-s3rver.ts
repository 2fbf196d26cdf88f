import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver, { type S3rverContext } from 's3rver';

/**
 * s3rver keeps a multipart upload's parts under `<bucket>/._S3rver_uploads/<upload id>/`, but
 * answers neither ListMultipartUploads nor AbortMultipartUpload. These two handlers, in front of
 * its router, answer them from that directory as S3 does, so the adapter's listing and aborting
 * of incomplete uploads runs against the same store the uploads went to.
 */
function multipartUploadHandlers(directory: string, bucket: string) {
  const uploadsDir = path.join(directory, bucket, '._S3rver_uploads');
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return async (ctx: S3rverContext, next: () => Promise<void>): Promise<void> => {
    if (
      ctx.method === 'GET' &&
      [`/${bucket}`, `/${bucket}/`].includes(ctx.path) &&
      'uploads' in ctx.query
    ) {
      const ids = await readdir(uploadsDir).catch(() => [] as string[]);
      const uploads = await Promise.all(
        ids.map(async (id) => {
          const key = await readFile(path.join(uploadsDir, id, 'key'), 'utf8');
          const { mtime } = await stat(path.join(uploadsDir, id));
          return `<Upload><Key>${escape(key)}</Key><UploadId>${id}</UploadId><Initiated>${mtime.toISOString()}</Initiated></Upload>`;
        }),
      );
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>' +
        '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}` +
        '</ListMultipartUploadsResult>';
      return;
    }
    const uploadId = ctx.query['uploadId'];
    if (
      ctx.method === 'DELETE' &&
      ctx.path.startsWith(`/${bucket}/`) &&
      typeof uploadId === 'string'
    ) {
      if (!/^[0-9a-f]+$/.test(uploadId)) {
        ctx.status = 400;
        return;
      }
      await rm(path.join(uploadsDir, uploadId), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    await next();
  };
}

/** s3rver on 127.0.0.1 with a temporary directory; it does not check signatures. */
export async function startS3rver(bucket: string) {
  const directory = await mkdtemp(path.join(tmpdir(), 'vw-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  server.middleware.unshift(multipartUploadHandlers(directory, bucket));
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
