export const RECORDING_SETTINGS = Symbol('RECORDING_SETTINGS');

/** The recording rules that come from configuration. */
export interface RecordingSettings {
  /** Largest media upload accepted, in bytes (RECORDING_MAX_BYTES). */
  readonly maxBytes: number;
  /** How long a completed recording is kept before it is purged (RECORDING_RETENTION_DAYS). */
  readonly retentionDays: number;
  /** Plaintext bytes of every part of a resumable upload but the last (RECORDING_UPLOAD_PART_BYTES). */
  readonly partBytes: number;
  /**
   * An upload that showed no sign of life for this long no longer blocks a new one
   * (RECORDING_UPLOAD_LEASE_SECONDS); until then a second upload is refused at once.
   */
  readonly uploadLeaseSeconds: number;
}
