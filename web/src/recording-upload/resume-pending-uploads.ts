import type { ApiClient } from '../api/api-client';
import { PendingUploadStore } from './pending-upload-store';
import { apiUploadTransport, uploadPendingRecording } from './resumable-recording-upload';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * After a reload (or a crash of the tab), uploads what an earlier page kept in this browser. A
 * recording another tab is still sending is refused with UPLOAD_IN_PROGRESS and stays for later.
 */
export async function resumePendingRecordingUploads(
  api: ApiClient,
  store = new PendingUploadStore(),
): Promise<void> {
  let pending;
  try {
    pending = await store.all();
  } catch {
    return; // No IndexedDB here (a private window, say): nothing can have been kept.
  }
  for (const upload of pending) {
    await uploadPendingRecording(upload, {
      transport: apiUploadTransport(api),
      store,
      sleep,
      onProgress: () => undefined,
    }).catch(() => undefined);
  }
}
