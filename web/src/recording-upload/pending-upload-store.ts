/** A stopped recording not yet completed on the server, kept in this browser until it is. */
export interface PendingUpload {
  readonly recordingId: string;
  readonly callId: string;
  readonly contentType: string;
  /** The whole recording; its parts are sliced from it. */
  readonly file: Blob;
  /** Set once the server began the upload. */
  readonly uploadId: string | null;
}

const DATABASE = 'vytalwatch-recording-uploads';
const STORE = 'pending';

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Recordings waiting to be uploaded, in IndexedDB: they outlive a reload, a crash of the tab or a
 * network outage, and leave only once the server completed the upload. The data stays in this
 * browser's own origin storage; nothing of it is sent anywhere but to the server.
 */
export class PendingUploadStore {
  private database: Promise<IDBDatabase> | null = null;

  constructor(private readonly indexedDb: IDBFactory = indexedDB) {}

  async save(upload: PendingUpload): Promise<void> {
    await this.write((store) => store.put(upload));
  }

  async get(recordingId: string): Promise<PendingUpload | null> {
    const store = await this.store('readonly');
    return ((await requestResult(store.get(recordingId))) as PendingUpload | undefined) ?? null;
  }

  async all(): Promise<PendingUpload[]> {
    const store = await this.store('readonly');
    return (await requestResult(store.getAll())) as PendingUpload[];
  }

  async remove(recordingId: string): Promise<void> {
    await this.write((store) => store.delete(recordingId));
  }

  close(): void {
    void this.database?.then((database) => database.close());
    this.database = null;
  }

  private async write(change: (store: IDBObjectStore) => IDBRequest): Promise<void> {
    const store = await this.store('readwrite');
    const done = new Promise<void>((resolve, reject) => {
      store.transaction.oncomplete = () => resolve();
      store.transaction.onerror = () => reject(store.transaction.error);
      store.transaction.onabort = () => reject(store.transaction.error);
    });
    change(store);
    await done;
  }

  private async store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    this.database ??= new Promise((resolve, reject) => {
      const open = this.indexedDb.open(DATABASE, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'recordingId' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('IndexedDB could not be opened'));
    });
    return (await this.database).transaction(STORE, mode).objectStore(STORE);
  }
}
