import { IDBFactory } from 'fake-indexeddb';
import { ApiError } from '../../../web/src/api/api-error.js';
import {
  PendingUploadStore,
  type PendingUpload,
} from '../../../web/src/recording-upload/pending-upload-store.js';
import {
  isRetryable,
  uploadPendingRecording,
  type UploadTransport,
} from '../../../web/src/recording-upload/resumable-recording-upload.js';
import {
  backoffDelayMs,
  retryWithBackoff,
} from '../../../web/src/recording-upload/retry-with-backoff.js';
import {
  partSlice,
  partsToSend,
  uploadedShare,
  type UploadProgress,
} from '../../../web/src/recording-upload/upload-parts.js';

const POLICY = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('web client: recording parts', () => {
  it('slices a recording into the ranges the server expects, the last one short', () => {
    expect(partSlice(0, 10, 25)).toEqual({
      part: 0,
      start: 0,
      end: 9,
      contentRange: 'bytes 0-9/25',
    });
    expect(partSlice(2, 10, 25)).toEqual({
      part: 2,
      start: 20,
      end: 24,
      contentRange: 'bytes 20-24/25',
    });
  });

  it('sends only the parts the server does not have, and counts what it has', () => {
    const progress: UploadProgress = {
      uploadId: 'u',
      sizeBytes: 25,
      partBytes: 10,
      partCount: 3,
      receivedParts: [0, 2],
      offset: 10,
    };
    expect(partsToSend(progress).map((slice) => slice.part)).toEqual([1]);
    expect(uploadedShare(progress)).toBeCloseTo(15 / 25);
  });
});

describe('web client: retry with backoff', () => {
  it('doubles the ceiling per retry up to the cap, with full jitter', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, POLICY, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelayMs(3, POLICY, () => 0.5)).toBe(200);
    expect(backoffDelayMs(3, POLICY, () => 0)).toBe(0);
  });

  it('retries what may pass, waiting between tries, and gives up after the last attempt', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
      async () => {
        calls++;
        if (calls < 3) throw ApiError.network();
        return 'stored';
      },
      isRetryable,
      POLICY,
      async (ms) => void waits.push(ms),
      () => 1,
    );
    expect(result).toBe('stored');
    expect(waits).toEqual([100, 200]);

    calls = 0;
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw new ApiError(503, 'HTTP_503', 'unavailable');
        },
        isRetryable,
        POLICY,
        async () => undefined,
      ),
    ).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(4);
  });

  it('does not retry a refusal', async () => {
    let calls = 0;
    const refusal = new ApiError(400, 'RECORDING.CONTENT_RANGE_MISMATCH', 'no');
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw refusal;
        },
        isRetryable,
        POLICY,
        async () => undefined,
      ),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });
});

/** The server's side of the protocol, in memory, failing the requests it is told to fail. */
class FakeServer implements UploadTransport {
  readonly parts = new Map<number, Uint8Array<ArrayBuffer>>();
  failNext: Array<'begin' | 'complete'> = [];
  /** Part number to how many more of its requests are lost. */
  readonly partFailures = new Map<number, number>();
  completed: Uint8Array<ArrayBuffer> | null = null;
  begun = 0;
  private size = 0;
  constructor(private readonly partBytes: number) {}

  private progress(): UploadProgress {
    const partCount = Math.ceil(this.size / this.partBytes);
    return {
      uploadId: 'upload-1',
      sizeBytes: this.size,
      partBytes: this.partBytes,
      partCount,
      receivedParts: [...this.parts.keys()].sort((a, b) => a - b),
      offset: 0,
    };
  }

  private fail(step: 'begin' | 'complete'): void {
    if (this.failNext[0] === step) {
      this.failNext.shift();
      throw ApiError.network();
    }
  }

  async begin(upload: PendingUpload): Promise<UploadProgress> {
    this.fail('begin');
    this.begun++;
    this.size = upload.file.size;
    return this.progress();
  }

  async status(): Promise<UploadProgress> {
    if (this.begun === 0) throw new ApiError(404, 'RECORDING.UPLOAD_NOT_FOUND', 'gone');
    return this.progress();
  }

  async putPart(
    _upload: PendingUpload,
    _uploadId: string,
    slice: { part: number },
    body: Blob,
  ): Promise<UploadProgress> {
    const failures = this.partFailures.get(slice.part) ?? 0;
    if (failures > 0) {
      this.partFailures.set(slice.part, failures - 1);
      throw ApiError.network();
    }
    this.parts.set(slice.part, new Uint8Array(await body.arrayBuffer()));
    return this.progress();
  }

  async complete(): Promise<void> {
    this.fail('complete');
    const all = [...this.parts.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes);
    this.completed = new Uint8Array(await new Blob(all).arrayBuffer());
  }
}

describe('web client: resumable recording upload', () => {
  const bytes = Uint8Array.from({ length: 2_500 }, (_, index) => index % 251);
  const pending = (): PendingUpload => ({
    recordingId: 'rec-1',
    callId: 'call-1',
    contentType: 'video/webm',
    file: new Blob([bytes], { type: 'video/webm' }),
    uploadId: null,
  });

  it('keeps the recording in IndexedDB across a reload until the server completed it', async () => {
    const indexedDb = new IDBFactory();
    const server = new FakeServer(1_000);
    const progress: number[] = [];
    const firstPage = new PendingUploadStore(indexedDb);
    await firstPage.save(pending());
    // Part 1 is lost on every attempt (the network is gone), the begin once: the upload stops.
    server.failNext = ['begin'];
    server.partFailures.set(1, POLICY.attempts + 1);
    const cut = uploadPendingRecording(pending(), {
      transport: server,
      store: firstPage,
      sleep: async () => undefined,
      onProgress: (share) => progress.push(share),
      policy: POLICY,
    });
    await expect(cut).rejects.toMatchObject({ code: 'NETWORK' });
    firstPage.close();

    // A reload: a new page finds the recording, with the upload the server began.
    const secondPage = new PendingUploadStore(indexedDb);
    const [kept, ...more] = await secondPage.all();
    expect(more).toEqual([]);
    expect(kept).toMatchObject({ recordingId: 'rec-1', uploadId: 'upload-1' });
    expect(kept?.file.size).toBe(bytes.length);
    expect([...server.parts.keys()]).toEqual([0]);

    server.failNext = ['complete'];
    await uploadPendingRecording(kept as PendingUpload, {
      transport: server,
      store: secondPage,
      sleep: async () => undefined,
      onProgress: (share) => progress.push(share),
      policy: POLICY,
    });
    expect(server.begun).toBe(1);
    expect(server.completed).toEqual(bytes);
    expect(await secondPage.all()).toEqual([]);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toContain(0.4);
  });

  it('drops a recording the server will never take, and says why', async () => {
    const store = new PendingUploadStore(new IDBFactory());
    await store.save(pending());
    const refused = new ApiError(409, 'RECORDING.ALREADY_FAILED', 'the upload timed out');
    const server = new FakeServer(1_000);
    const transport: UploadTransport = {
      begin: () => Promise.reject(refused),
      status: () => server.status(),
      putPart: (...args) => server.putPart(...args),
      complete: () => server.complete(),
    };
    await expect(
      uploadPendingRecording(pending(), {
        transport,
        store,
        sleep: async () => undefined,
        onProgress: () => undefined,
        policy: POLICY,
      }),
    ).rejects.toBe(refused);
    expect(await store.all()).toEqual([]);
  });

  it('begins again when the server no longer knows the upload', async () => {
    const store = new PendingUploadStore(new IDBFactory());
    const server = new FakeServer(1_000);
    const stale = { ...pending(), uploadId: 'forgotten' };
    await store.save(stale);
    await uploadPendingRecording(stale, {
      transport: server,
      store,
      sleep: async () => undefined,
      onProgress: () => undefined,
      policy: POLICY,
    });
    expect(server.begun).toBe(1);
    expect(server.completed).toEqual(bytes);
    expect(await store.get('rec-1')).toBeNull();
  });
});
