import type { RecordingContentType } from '../../domain/call/call.values.js';

export const RECORDING_UPLOAD_STORE = Symbol('RECORDING_UPLOAD_STORE');

/** An upload of one recording's media that has begun and not yet ended (docs/architecture.md, "Recording uploads"). */
export interface RecordingUpload {
  readonly uploadId: string;
  readonly callId: string;
  readonly recordingId: string;
  /** The user who began it: only they may send its parts. */
  readonly ownerId: string;
  /** `single`: one request streams the whole file; `parts`: resumable, part by part. */
  readonly kind: 'single' | 'parts';
  /** For `parts`: what the finished recording will be; null for `single`. */
  readonly contentType: RecordingContentType | null;
  readonly sizeBytes: number | null;
  readonly partBytes: number | null;
  readonly startedAt: Date;
  /** The last sign of life; a holder silent for longer than the lease may be replaced. */
  readonly renewedAt: Date;
}

export type UploadClaim =
  | { readonly claimed: true; readonly replaced: RecordingUpload | null }
  | { readonly claimed: false; readonly holder: RecordingUpload };

/** The one-upload-per-recording lock and the parts received, shared by every instance. */
export interface RecordingUploadStore {
  /**
   * Takes the recording's one upload slot for `upload`: granted when it is free, or when its
   * holder was last renewed before `staleBefore` (that holder is then replaced and returned).
   */
  claim(upload: RecordingUpload, staleBefore: Date): Promise<UploadClaim>;
  find(uploadId: string): Promise<RecordingUpload | null>;
  /** Marks the upload alive at `now`; false when it no longer holds its recording's slot. */
  renew(uploadId: string, now: Date): Promise<boolean>;
  /** Notes a stored part (again, for a repeated part); false when the upload is gone. */
  recordPart(uploadId: string, part: number, sizeBytes: number): Promise<boolean>;
  /** The parts stored so far: part number to plaintext bytes. */
  parts(uploadId: string): Promise<ReadonlyMap<number, number>>;
  /** Frees the slot and forgets the parts. Idempotent. */
  release(uploadId: string): Promise<void>;
  /** Every upload still holding a slot, oldest first. */
  all(): Promise<readonly RecordingUpload[]>;
}
