export const SIGNALING_SETTINGS = Symbol('SIGNALING_SETTINGS');

/** The gateway's tunables (validated configuration, see app-config.ts). */
export interface SignalingSettings {
  /** Sustained messages per second one socket may send. */
  readonly rateLimitPerSecond: number;
  /** Messages one socket may send in a burst (e.g. trickled ICE candidates). */
  readonly rateLimitBurst: number;
  /** Clients report connection quality this often; after 3 silent intervals they are asked. */
  readonly qualityReportIntervalSeconds: number;
  /** Whether instances share rooms through the Redis adapter (else this is the only instance). */
  readonly clustered: boolean;
}
