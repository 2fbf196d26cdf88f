import type { QualitySampleRecorded } from '../../domain/call-quality/call-quality.events.js';
import type { QualitySampleRow } from '../read-model-rows.js';
import { finite, instant, text, uuidOrNull } from './event-values.js';
import type { ReadModelEvent } from './read-model-event.js';

/* `call_quality_samples`: one row per sample, keyed by its event id. */

const CANDIDATE_TYPES: ReadonlySet<string> = new Set(['host', 'srflx', 'prflx', 'relay']);

/** The sample's row; null when a measure is missing or not a number (the sample is skipped). */
export function qualitySampleRow(
  callId: string,
  input: ReadModelEvent<QualitySampleRecorded>,
): QualitySampleRow | null {
  const data = input.event.data;
  const eventId = uuidOrNull(input.eventId);
  const userId = uuidOrNull(data.userId);
  const rtt = finite(data.rttMs);
  const jitter = finite(data.jitterMs);
  const loss = finite(data.packetLossPct);
  const mos = finite(data.mos);
  if (eventId === null || userId === null) return null;
  if (rtt === null || jitter === null || loss === null || mos === null) return null;
  const candidate = text(data.candidateType);
  return {
    event_id: eventId,
    call_id: callId,
    user_id: userId,
    sampled_at: instant(data.sampledAt) ?? input.occurredAt,
    rtt_ms: rtt,
    jitter_ms: jitter,
    packet_loss_pct: loss,
    bitrate_kbps: finite(data.bitrateKbps),
    mos,
    candidate_type: candidate !== null && CANDIDATE_TYPES.has(candidate) ? candidate : null,
    connection_state: text(data.connectionState),
    poor: data.poor === true,
  };
}
