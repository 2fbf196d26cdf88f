import { assertNever } from '../../domain/call/call.state.js';
import type { CallEvent } from '../../domain/call/call.events.js';
import type { CallRow, DailyStatsDelta } from '../read-model-rows.js';

/*
 * `call_daily_stats`: per provider and UTC day of initiation, counters that a batch adds to. An
 * event counts once it took effect on its own table (a decline of a call no longer ringing does
 * not count), so this runs after that table's fold, with the call row as it left it.
 */

export function emptyDailyStats(day: string, providerId: string): DailyStatsDelta {
  return {
    day,
    provider_id: providerId,
    calls_initiated: 0,
    calls_ended: 0,
    calls_missed: 0,
    calls_declined: 0,
    calls_cancelled: 0,
    calls_failed: 0,
    duration_seconds_total: 0,
    recordings_started: 0,
    recordings_completed: 0,
    recordings_failed: 0,
    quality_warnings: 0,
  };
}

export function countInDailyStats(daily: DailyStatsDelta, event: CallEvent, call: CallRow): void {
  switch (event.type) {
    case 'CallInitiated':
      daily.calls_initiated += 1;
      return;
    case 'CallDeclined':
      daily.calls_declined += 1;
      return;
    case 'CallCancelled':
      daily.calls_cancelled += 1;
      return;
    case 'CallMissed':
      daily.calls_missed += 1;
      return;
    case 'CallEnded':
      daily.calls_ended += 1;
      daily.duration_seconds_total += call.duration_seconds ?? 0;
      return;
    case 'CallFailed':
      daily.calls_failed += 1;
      return;
    case 'CallQualityDegraded':
      daily.quality_warnings += 1;
      return;
    case 'RecordingStarted':
      daily.recordings_started += 1;
      return;
    case 'RecordingUploaded':
      daily.recordings_completed += 1;
      return;
    case 'RecordingFailed':
      daily.recordings_failed += 1;
      return;
    case 'CallRingingStarted':
    case 'CallAnswered':
    case 'ParticipantJoined':
    case 'ParticipantConnected':
    case 'ParticipantDisconnected':
    case 'ParticipantReconnected':
    case 'ParticipantLeft':
    case 'ParticipantMediaUpdated':
    case 'RecordingConsentGiven':
    case 'RecordingConsentWithdrawn':
    case 'RecordingStopped':
    case 'RecordingPurged':
    case 'RecordingLegalHoldSet':
    case 'RecordingLegalHoldReleased':
      return;
    default:
      assertNever(event);
  }
}
