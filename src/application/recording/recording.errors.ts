import { ApplicationError } from '../application.errors.js';

/** The upload passed RECORDING_MAX_BYTES; the partial object was removed, nothing was appended. */
export class RecordingTooLargeError extends Error {
  readonly code = 'RECORDING.TOO_LARGE';
  constructor(readonly maxBytes: number) {
    super(`The recording exceeds the limit of ${maxBytes} bytes`);
    this.name = 'RecordingTooLargeError';
  }
}

/** A Range header that asks for bytes the recording does not have. */
export class RangeNotSatisfiableError extends Error {
  readonly code = 'RECORDING.RANGE_NOT_SATISFIABLE';
  constructor(readonly sizeBytes: number) {
    super(`The requested range is outside the recording's ${sizeBytes} bytes`);
    this.name = 'RangeNotSatisfiableError';
  }
}

export function recordingNotAvailable(recordingId: string, status: string): ApplicationError {
  return new ApplicationError(
    'RECORDING.NOT_AVAILABLE',
    'conflict',
    `Recording ${recordingId} is ${status}; only a COMPLETED recording can be downloaded`,
    { status },
  );
}

export function downloadForbidden(): ApplicationError {
  return new ApplicationError(
    'RECORDING.DOWNLOAD_FORBIDDEN',
    'forbidden',
    'Your role may not download recordings',
  );
}

/**
 * The recording's data key is wrapped by a key-encryption key this server is not configured with
 * (neither RECORDING_KEK nor RECORDING_KEK_PREVIOUS). A conflict, not a passing outage: retrying
 * does not help until the key is configured again.
 */
export function recordingKeyUnavailable(recordingId: string, keyId: string): ApplicationError {
  return new ApplicationError(
    'RECORDING.KEY_UNAVAILABLE',
    'conflict',
    `Recording ${recordingId} is sealed with key ${keyId}, which is not configured (RECORDING_KEK or RECORDING_KEK_PREVIOUS)`,
    { keyId },
  );
}

/** Another upload of the recording is running: only one at a time, the second refused at once. */
export function uploadInProgress(recordingId: string): ApplicationError {
  return new ApplicationError(
    'RECORDING.UPLOAD_IN_PROGRESS',
    'conflict',
    `Another upload of recording ${recordingId} is in progress; resume that one or wait for it to end`,
  );
}

/** No such resumable upload for this recording and user (never begun, finished, or replaced). */
export function uploadNotFound(uploadId: string): ApplicationError {
  return new ApplicationError(
    'RECORDING.UPLOAD_NOT_FOUND',
    'not_found',
    `Upload ${uploadId} is not in progress; begin a new one`,
  );
}

/** A part number the upload does not have. */
export function partOutOfRange(part: string, partCount: number): ApplicationError {
  return new ApplicationError(
    'RECORDING.PART_OUT_OF_RANGE',
    'invalid',
    `Part ${part} is not one of this upload's parts 0..${partCount - 1}`,
    { partCount },
  );
}

/** `Content-Range` (or the bytes sent) do not match the part's own range of the recording. */
export function contentRangeMismatch(expected: string): ApplicationError {
  return new ApplicationError(
    'RECORDING.CONTENT_RANGE_MISMATCH',
    'invalid',
    `This part must be sent with Content-Range: ${expected}, and exactly those bytes`,
    { expected },
  );
}

/** Completing before every part is stored. */
export function uploadIncomplete(missingParts: readonly number[]): ApplicationError {
  return new ApplicationError(
    'RECORDING.UPLOAD_INCOMPLETE',
    'conflict',
    `${missingParts.length} part(s) are still missing`,
    { missingParts: missingParts.slice(0, 100) },
  );
}

/** A part's body is longer than its range; the partial part was removed. */
export class PartTooLargeError extends Error {
  readonly code = 'RECORDING.PART_TOO_LARGE';
  constructor(readonly partBytes: number) {
    super(`A part carries at most ${partBytes} bytes`);
    this.name = 'PartTooLargeError';
  }
}
