import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { PendingUpload, PendingUploadStore } from './pending-upload-store';
import { PART_RETRY_POLICY, retryWithBackoff, type BackoffPolicy } from './retry-with-backoff';
import { partsToSend, uploadedShare, type PartSlice, type UploadProgress } from './upload-parts';

/** The server's resumable upload routes (docs/architecture.md, "Recording uploads"). */
export interface UploadTransport {
  begin(upload: PendingUpload): Promise<UploadProgress>;
  status(upload: PendingUpload, uploadId: string): Promise<UploadProgress>;
  putPart(
    upload: PendingUpload,
    uploadId: string,
    slice: PartSlice,
    body: Blob,
  ): Promise<UploadProgress>;
  complete(upload: PendingUpload, uploadId: string): Promise<void>;
}

const uploadsPath = (upload: PendingUpload) =>
  `/webrtc/calls/${upload.callId}/recordings/${upload.recordingId}/media/uploads`;

export function apiUploadTransport(api: ApiClient): UploadTransport {
  return {
    begin: (upload) =>
      api.post<UploadProgress>(uploadsPath(upload), {
        sizeBytes: upload.file.size,
        contentType: upload.contentType,
      }),
    status: (upload, uploadId) => api.get<UploadProgress>(`${uploadsPath(upload)}/${uploadId}`),
    putPart: (upload, uploadId, slice, body) =>
      api.request<UploadProgress>('PUT', `${uploadsPath(upload)}/${uploadId}/parts/${slice.part}`, {
        blob: new Blob([body], { type: 'application/octet-stream' }),
        headers: { 'Content-Range': slice.contentRange },
      }),
    complete: async (upload, uploadId) => {
      await api.post(`${uploadsPath(upload)}/${uploadId}/complete`);
    },
  };
}

/** A lost connection, a timeout, a rate limit or a server error may pass: try again. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/** Refusals no retry can change. */
const NEVER_ACCEPTED = ['RECORDING.ALREADY_FAILED', 'RECORDING.PURGED', 'CALL.NOT_FOUND'];

const isCode = (error: unknown, code: string) => error instanceof ApiError && error.code === code;

export interface UploadDependencies {
  readonly transport: UploadTransport;
  readonly store: PendingUploadStore;
  readonly sleep: (ms: number) => Promise<void>;
  /** The share of the recording the server holds, 0..1, after every part. */
  readonly onProgress: (share: number) => void;
  readonly policy?: BackoffPolicy;
  readonly random?: () => number;
}

/**
 * Uploads a pending recording part by part, resuming where the server stands: a reload or a cut
 * connection costs at most the parts in flight. Each part is retried with backoff while the
 * failure may pass. The recording leaves the store only once the server completed it (or had it
 * already); any other failure leaves it there for the next attempt.
 */
export async function uploadPendingRecording(
  pending: PendingUpload,
  deps: UploadDependencies,
): Promise<void> {
  const { transport, store } = deps;
  const retry = <T>(attempt: () => Promise<T>) =>
    retryWithBackoff(
      attempt,
      isRetryable,
      deps.policy ?? PART_RETRY_POLICY,
      deps.sleep,
      deps.random,
    );
  try {
    let upload = pending;
    let progress: UploadProgress | null = null;
    if (upload.uploadId !== null) {
      const uploadId = upload.uploadId;
      progress = await retry(() => transport.status(upload, uploadId)).catch((error: unknown) => {
        if (isCode(error, 'RECORDING.UPLOAD_NOT_FOUND')) return null;
        throw error;
      });
    }
    if (progress === null) {
      progress = await retry(() => transport.begin(upload));
      upload = { ...upload, uploadId: progress.uploadId };
      await store.save(upload);
    }
    const uploadId = progress.uploadId;
    deps.onProgress(uploadedShare(progress));
    for (const slice of partsToSend(progress)) {
      const body = upload.file.slice(slice.start, slice.end + 1);
      const answer: UploadProgress = await retry(() =>
        transport.putPart(upload, uploadId, slice, body),
      );
      deps.onProgress(uploadedShare(answer));
    }
    await retry(() => transport.complete(upload, uploadId));
  } catch (error) {
    if (NEVER_ACCEPTED.some((code) => isCode(error, code))) {
      // The server will never take this recording (it failed its upload time, say): keeping it
      // would only retry it on every visit.
      await store.remove(pending.recordingId);
      throw error;
    }
    if (!isCode(error, 'RECORDING.ALREADY_UPLOADED')) throw error;
  }
  await store.remove(pending.recordingId);
  deps.onProgress(1);
}
