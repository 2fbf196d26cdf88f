import { iso, type GeneratedCall } from './history-call.js';

/**
 * The connection quality both browsers report while a call runs from `from` to `end`, a few
 * samples spread evenly over it, in the call's `callquality-<id>` stream (one commit each).
 * Returns how many samples it made.
 */
export function sampleQuality(call: GeneratedCall, from: number, end: number): number {
  const { random, callId, provider, patient } = call;
  const span = end - from;
  const quality = `callquality-${callId}`;
  const relay = random.chance(0.2);
  const samples = random.between(2, 6);
  for (let i = 0; i < samples; i += 1) {
    const at = from + Math.floor(((i + 1) * span) / (samples + 1));
    const user = i % 2 === 0 ? patient : provider;
    const loss = Math.round(random.next() * 800) / 100;
    const rtt = 20 + Math.floor(random.next() * 300);
    call.out.push({
      streamId: quality,
      at,
      events: [
        call.event(
          'QualitySampleRecorded',
          {
            callId,
            userId: user.userId,
            sampledAt: iso(at),
            rttMs: rtt,
            jitterMs: Math.round(random.next() * 4000) / 100,
            packetLossPct: loss,
            bitrateKbps: random.chance(0.9) ? 300 + Math.floor(random.next() * 2200) : null,
            mos: Math.round((4.5 - loss / 4 - rtt / 400) * 100) / 100,
            candidateType: relay ? 'relay' : random.chance(0.7) ? 'host' : 'srflx',
            connectionState: 'connected',
            poor: loss > 5,
          },
          user,
          at,
        ),
      ],
    });
  }
  return samples;
}
