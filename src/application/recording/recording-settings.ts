export const RECORDING_SETTINGS = Symbol('RECORDING_SETTINGS');

/** The recording rules that come from configuration. */
export interface RecordingSettings {
  /** Largest media upload accepted, in bytes (RECORDING_MAX_BYTES). */
  readonly maxBytes: number;
  /** How long a completed recording is kept before it is purged (RECORDING_RETENTION_DAYS). */
  readonly retentionDays: number;
}
