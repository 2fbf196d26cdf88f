import type { CallEvent, CallInitiated } from '../../domain/call/call.events.js';
import { assertNever } from '../../domain/shared/assert-never.js';
import type { CallRow, QualitySampleRow } from '../read-model-rows.js';
import { instant, secondsBetween, text, uuidOrNull, wholeSeconds } from './event-values.js';
import type { ParticipantEvent } from './participants.fold.js';
import type { ReadModelEvent } from './read-model-event.js';
import type { RecordingEvent } from './recordings.fold.js';

/* `calls`: one row per call, with its lifecycle and the summary of its quality samples. */

/** The events of the call itself, beyond its opening: its lifecycle and its quality warnings. */
export type CallLifecycleEvent = Exclude<
  CallEvent,
  CallInitiated | ParticipantEvent | RecordingEvent
>;

export function newCallRow(callId: string, input: ReadModelEvent<CallInitiated>): CallRow | null {
  const data = input.event.data;
  const providerId = uuidOrNull(data.providerId);
  const patientId = uuidOrNull(data.patientId);
  if (providerId === null || patientId === null) return null;
  return {
    id: callId,
    type: text(data.type) ?? 'VIDEO',
    status: text(data.status) === 'SCHEDULED' ? 'SCHEDULED' : 'RINGING',
    provider_id: providerId,
    patient_id: patientId,
    initiator_id: uuidOrNull(data.initiatorId) ?? providerId,
    callee_id: uuidOrNull(data.calleeId) ?? patientId,
    reason: text(data.reason),
    recording_enabled: data.recordingEnabled === true,
    scheduled_at: instant(data.scheduledAt),
    initiated_at: instant(data.initiatedAt) ?? input.occurredAt,
    started_at: null,
    ended_at: null,
    ended_by: null,
    end_reason: null,
    duration_seconds: null,
    failure_reason: null,
    recording_count: 0,
    quality_warning_count: 0,
    quality_sample_count: 0,
    avg_rtt_ms: null,
    avg_jitter_ms: null,
    avg_packet_loss_pct: null,
    avg_mos: null,
    quality_rtt_ms_sum: 0,
    quality_jitter_ms_sum: 0,
    quality_packet_loss_pct_sum: 0,
    quality_mos_sum: 0,
    connectivity: null,
    revision: input.revision,
    last_position: input.position,
    updated_at: input.occurredAt,
  };
}

function finish(
  call: CallRow,
  status: string,
  endedAt: string,
  endedBy: string | null,
  reason: string | null,
): void {
  call.status = status;
  call.ended_at = endedAt;
  call.ended_by = endedBy;
  call.end_reason = reason;
}

/**
 * Mirrors the decider's `evolve`: a lifecycle event that cannot apply to the status is a no-op.
 * Returns whether the event took effect.
 */
export function foldCallLifecycle(call: CallRow, event: CallLifecycleEvent, at: string): boolean {
  switch (event.type) {
    case 'CallRingingStarted':
      if (call.status === 'SCHEDULED') call.status = 'RINGING';
      return true;
    case 'CallAnswered':
      if (call.status !== 'RINGING') return false;
      call.status = 'IN_PROGRESS';
      call.started_at = instant(event.data.startedAt) ?? at;
      return true;
    case 'CallDeclined':
      if (call.status !== 'RINGING') return false;
      finish(call, 'DECLINED', at, text(event.data.declinedBy), text(event.data.reason));
      return true;
    case 'CallCancelled':
      if (call.status !== 'SCHEDULED' && call.status !== 'RINGING') return false;
      finish(call, 'CANCELLED', at, text(event.data.cancelledBy), text(event.data.reason));
      return true;
    case 'CallMissed':
      if (call.status !== 'RINGING') return false;
      finish(call, 'MISSED', at, 'system', null);
      return true;
    case 'CallEnded': {
      if (call.status !== 'IN_PROGRESS') return false;
      const endedAt = instant(event.data.endedAt) ?? at;
      finish(call, 'ENDED', endedAt, text(event.data.endedBy), text(event.data.reason));
      call.duration_seconds =
        wholeSeconds(event.data.durationSeconds) ??
        (call.started_at ? secondsBetween(call.started_at, endedAt) : 0);
      return true;
    }
    case 'CallFailed': {
      if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') return false;
      const reason = text(event.data.reason) ?? 'unknown';
      finish(call, 'FAILED', at, null, reason);
      call.failure_reason = reason;
      return true;
    }
    case 'CallQualityDegraded':
      call.quality_warning_count += 1;
      return true;
    default:
      return assertNever(event);
  }
}

/** A quality sample of the call: its count, running sums and averages, and its connectivity. */
export function countQualitySample(call: CallRow, sample: QualitySampleRow): void {
  const count = call.quality_sample_count + 1;
  call.quality_sample_count = count;
  call.quality_rtt_ms_sum += sample.rtt_ms;
  call.quality_jitter_ms_sum += sample.jitter_ms;
  call.quality_packet_loss_pct_sum += sample.packet_loss_pct;
  call.quality_mos_sum += sample.mos;
  call.avg_rtt_ms = call.quality_rtt_ms_sum / count;
  call.avg_jitter_ms = call.quality_jitter_ms_sum / count;
  call.avg_packet_loss_pct = call.quality_packet_loss_pct_sum / count;
  call.avg_mos = call.quality_mos_sum / count;
  if (sample.candidate_type === 'relay') call.connectivity = 'relay';
  else if (sample.candidate_type !== null && call.connectivity === null) call.connectivity = 'p2p';
}
