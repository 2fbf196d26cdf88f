import {
  qualityLevel,
  sampleConnection,
  type ConnectionSample,
} from '../../../web/src/call/connection-sample.js';
import { formatDuration, statusLabel } from '../../../web/src/components/format.js';
import { parseRoute, routes } from '../../../web/src/routing/hash-route.js';

const CALL_ID = '5b0c8f7e-2f4a-4d8e-9a61-0c1d2e3f4a5b';

describe('web client: routes', () => {
  it('reads the screen and call from the hash, and falls back to home', () => {
    expect(parseRoute(routes.call(CALL_ID))).toEqual({ screen: 'call', callId: CALL_ID });
    expect(parseRoute(routes.details(CALL_ID))).toEqual({ screen: 'details', callId: CALL_ID });
    expect(parseRoute('')).toEqual({ screen: 'home' });
    expect(parseRoute('#/calls/not-a-uuid/live')).toEqual({ screen: 'home' });
    expect(parseRoute(`#/calls/${CALL_ID}/live/extra`)).toEqual({ screen: 'home' });
  });
});

describe('web client: display', () => {
  it.each([
    [null, '—'],
    [0, '0:00'],
    [65, '1:05'],
    [59.9, '0:59'],
    [3723, '1:02:03'],
  ])('formats %p seconds as %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('names statuses in words', () => {
    expect(statusLabel('ENDED')).toBe('Completed');
    expect(statusLabel('IN_PROGRESS')).toBe('In progress');
  });
});

function sample(change: Partial<ConnectionSample>): ConnectionSample {
  return {
    rttMs: 40,
    jitterMs: 5,
    packetLossPct: 0,
    bitrateKbps: 800,
    candidateType: 'host',
    bytesReceived: 0,
    takenAt: 0,
    ...change,
  };
}

describe('web client: connection quality', () => {
  it('uses the server’s poor thresholds, with fair at about half of them', () => {
    expect(qualityLevel(null)).toBe('unknown');
    expect(qualityLevel(sample({}))).toBe('good');
    expect(qualityLevel(sample({ rttMs: 250 }))).toBe('fair');
    expect(qualityLevel(sample({ packetLossPct: 2 }))).toBe('fair');
    expect(qualityLevel(sample({ rttMs: 401 }))).toBe('poor');
    expect(qualityLevel(sample({ jitterMs: 31 }))).toBe('poor');
    expect(qualityLevel(sample({ packetLossPct: 3.5 }))).toBe('poor');
  });

  /** A stand-in for RTCPeerConnection: getStats() with the entries a browser reports. */
  function connectionWith(entries: Array<Record<string, unknown>>): RTCPeerConnection {
    const stats = {
      forEach: (visit: (entry: Record<string, unknown>) => void) => entries.forEach(visit),
    };
    return { getStats: async () => stats } as unknown as RTCPeerConnection;
  }

  const statsAt = (lost: number, received: number, bytes: number) => [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    {
      id: 'CP1',
      type: 'candidate-pair',
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      currentRoundTripTime: 0.123,
    },
    { id: 'L1', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'relay' },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      jitter: 0.012,
      packetsLost: lost,
      packetsReceived: received,
      bytesReceived: bytes / 4,
    },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      jitter: 0.004,
      packetsLost: 0,
      packetsReceived: received,
      bytesReceived: (bytes * 3) / 4,
    },
  ];

  it('reads RTT and candidate type from the selected pair, loss since the previous sample', async () => {
    const first = await sampleConnection(connectionWith(statsAt(0, 1000, 100_000)), null, null);
    expect(first?.sample).toMatchObject({
      rttMs: 123,
      jitterMs: 12,
      packetLossPct: 0,
      candidateType: 'relay',
      bytesReceived: 100_000,
    });
    // Since the first sample: 20 lost, 1,960 received (audio and video): 1.01 %.
    const second = await sampleConnection(
      connectionWith(statsAt(20, 1980, 200_000)),
      first?.sample ?? null,
      first?.counters ?? null,
    );
    expect(second?.sample.packetLossPct).toBe(1.01);
    expect(second?.sample.bitrateKbps).toBeGreaterThan(0);
  });

  it('has nothing to say before a candidate pair is selected', async () => {
    const reading = await sampleConnection(
      connectionWith([{ id: 'T1', type: 'transport' }]),
      null,
      null,
    );
    expect(reading).toBeNull();
  });
});
