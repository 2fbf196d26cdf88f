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
