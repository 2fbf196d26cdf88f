import type { RecordQualitySample } from './call-quality.commands.js';
import { InvalidQualitySampleError, SystemQualitySampleError } from './call-quality.errors.js';
import type { CallQualityEvent } from './call-quality.events.js';
import type { CallQualityState } from './call-quality.state.js';
import { SAMPLE_LIMITS } from './call-quality.values.js';
import { isPoorSample, meanOpinionScore, roundMos } from './mos.js';

function requireMetric(field: keyof typeof SAMPLE_LIMITS, value: number | null): void {
  if (value === null) return;
  if (!Number.isFinite(value) || value < 0 || value > SAMPLE_LIMITS[field]) {
    throw new InvalidQualitySampleError(field, SAMPLE_LIMITS[field]);
  }
}

/**
 * Records a sample with its MOS and whether it is poor. Every sample is kept, whatever the
 * window says: the statistics want them all. The state is not consulted for the decision (it is
 * for `warningRaisedByLatestSample`), so a sample is never refused for what came before it.
 */
export function decideCallQuality(
  command: RecordQualitySample,
  _state: CallQualityState,
): readonly CallQualityEvent[] {
  const { actor, now } = command.metadata;
  if (actor.role === 'system') throw new SystemQualitySampleError();
  const { data } = command;
  requireMetric('rttMs', data.rttMs);
  requireMetric('jitterMs', data.jitterMs);
  requireMetric('packetLossPct', data.packetLossPct);
  requireMetric('bitrateKbps', data.bitrateKbps);
  const metrics = { rttMs: data.rttMs, jitterMs: data.jitterMs, packetLossPct: data.packetLossPct };
  const mos = roundMos(meanOpinionScore(metrics));
  return [
    {
      type: 'QualitySampleRecorded',
      data: {
        callId: data.callId,
        userId: actor.userId,
        sampledAt: now,
        rttMs: data.rttMs,
        jitterMs: data.jitterMs,
        packetLossPct: data.packetLossPct,
        bitrateKbps: data.bitrateKbps,
        mos,
        candidateType: data.candidateType,
        connectionState: data.connectionState,
        poor: isPoorSample(metrics, mos),
      },
    },
  ];
}
