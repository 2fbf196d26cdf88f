/** One reading of the selected connection, as `connection-quality` reports it. */
export interface ConnectionSample {
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly packetLossPct: number;
  readonly bitrateKbps: number;
  readonly candidateType: 'host' | 'srflx' | 'prflx' | 'relay' | null;
  readonly bytesReceived: number;
  readonly takenAt: number;
}

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/**
 * The same "poor" thresholds the server uses for its warnings (loss over 3 %, RTT over 400 ms,
 * jitter over 30 ms), with "fair" at about half of them.
 */
export function qualityLevel(sample: ConnectionSample | null): QualityLevel {
  if (!sample) return 'unknown';
  const { rttMs, jitterMs, packetLossPct } = sample;
  if (packetLossPct > 3 || rttMs > 400 || jitterMs > 30) return 'poor';
  if (packetLossPct > 1 || rttMs > 200 || jitterMs > 15) return 'fair';
  return 'good';
}

type Stats = Record<string, unknown> & { type: string; id: string };

const numberOf = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

/**
 * Reads getStats(): RTT and the local candidate type of the selected candidate pair, jitter and
 * loss of what we receive (loss since the previous sample), and the received bitrate.
 */
export async function sampleConnection(
  connection: RTCPeerConnection,
  previous: ConnectionSample | null,
  previousCounters: { lost: number; received: number } | null,
): Promise<{ sample: ConnectionSample; counters: { lost: number; received: number } } | null> {
  const report = await connection.getStats();
  const stats = new Map<string, Stats>();
  report.forEach((entry: Stats) => stats.set(entry.id, entry));
  let pair: Stats | undefined;
  for (const entry of stats.values()) {
    if (entry.type === 'transport' && typeof entry['selectedCandidatePairId'] === 'string') {
      pair = stats.get(entry['selectedCandidatePairId']);
    }
  }
  pair ??= [...stats.values()].find(
    (entry) =>
      entry.type === 'candidate-pair' &&
      entry['nominated'] === true &&
      entry['state'] === 'succeeded',
  );
  if (!pair) return null;
  const local = stats.get(String(pair['localCandidateId']));
  const candidateType = (local?.['candidateType'] as ConnectionSample['candidateType']) ?? null;
  let jitter = 0;
  let lost = 0;
  let received = 0;
  let bytesReceived = 0;
  for (const entry of stats.values()) {
    if (entry.type !== 'inbound-rtp') continue;
    jitter = Math.max(jitter, numberOf(entry['jitter']));
    lost += numberOf(entry['packetsLost']);
    received += numberOf(entry['packetsReceived']);
    bytesReceived += numberOf(entry['bytesReceived']);
  }
  const lostSince = lost - (previousCounters?.lost ?? 0);
  const receivedSince = received - (previousCounters?.received ?? 0);
  const takenAt = performance.now();
  const seconds = previous ? (takenAt - previous.takenAt) / 1000 : 0;
  const bitrateKbps =
    previous && seconds > 0
      ? Math.max(0, ((bytesReceived - previous.bytesReceived) * 8) / seconds / 1000)
      : 0;
  const total = lostSince + receivedSince;
  return {
    sample: {
      rttMs: Math.round(numberOf(pair['currentRoundTripTime']) * 1000),
      jitterMs: Math.round(jitter * 1000 * 10) / 10,
      packetLossPct: total > 0 ? Math.round(Math.max(0, (lostSince / total) * 100) * 100) / 100 : 0,
      bitrateKbps: Math.round(bitrateKbps),
      candidateType,
      bytesReceived,
      takenAt,
    },
    counters: { lost, received },
  };
}
