/**
 * The vocabulary of connection-quality samples (docs/architecture.md, "Connection quality"): what a
 * client reports about its peer connection, and the thresholds that make a sample poor.
 */

/** The local candidate type of the selected ICE pair: `relay` means the media goes through TURN. */
export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
export type CandidateType = (typeof CANDIDATE_TYPES)[number];

/** RTCPeerConnectionState and RTCIceConnectionState values a client may report. */
export const CONNECTION_STATES = [
  'new',
  'checking',
  'connecting',
  'connected',
  'completed',
  'disconnected',
  'failed',
  'closed',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** The states in which media flows: a JOINING participant reporting one is CONNECTED. */
export const CONNECTED_STATES: readonly ConnectionState[] = ['connected', 'completed'];

/** A sample is poor when any one of these is crossed (strictly). */
export const POOR_SAMPLE_THRESHOLDS = {
  packetLossPct: 3,
  rttMs: 400,
  jitterMs: 30,
  /** Poor when the MOS is below this. */
  minMos: 3.1,
} as const;

/**
 * The degradation window: a participant's last `size` samples. `raiseAt` poor ones raise a
 * quality warning; it is raised again only after the window has recovered to at most `clearAt`
 * poor ones (hysteresis, so a link hovering at the threshold does not warn every ten seconds).
 */
export const DEGRADATION_WINDOW = { size: 5, raiseAt: 3, clearAt: 1 } as const;

/**
 * How many samples a participant may have recorded: at most `samples` in any `samples` reporting
 * intervals, i.e. one per interval on average. The slack is for what a well-behaved client does
 * anyway: the report when its link comes up, a report when the server asks, a timer or a network
 * that delivers one report a little early; it is the degradation window's size, so a burst can
 * at most refill the window once.
 */
export const SAMPLE_BUDGET = { samples: DEGRADATION_WINDOW.size } as const;

/** Upper bounds of plausible reports; anything beyond is a broken client, not a bad network. */
export const SAMPLE_LIMITS = {
  rttMs: 60_000,
  jitterMs: 60_000,
  packetLossPct: 100,
  bitrateKbps: 1_000_000,
} as const;
