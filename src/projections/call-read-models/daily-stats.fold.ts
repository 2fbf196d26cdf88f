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

type DailyCounter = Exclude<keyof DailyStatsDelta, 'day' | 'provider_id'>;

/** The counter each call event adds one to, if any: a type left out does not compile. */
const COUNTER_OF: { readonly [Type in CallEvent['type']]: DailyCounter | null } = {
  CallInitiated: 'calls_initiated',
  CallRingingStarted: null,
  CallAnswered: null,
  CallDeclined: 'calls_declined',
  CallCancelled: 'calls_cancelled',
  CallEnded: 'calls_ended',
  CallMissed: 'calls_missed',
  CallFailed: 'calls_failed',
  ParticipantJoined: null,
  ParticipantConnected: null,
  ParticipantDisconnected: null,
  ParticipantReconnected: null,
  ParticipantLeft: null,
  ParticipantMediaUpdated: null,
  RecordingConsentGiven: null,
  RecordingConsentWithdrawn: null,
  RecordingStarted: 'recordings_started',
  RecordingStopped: null,
  RecordingUploaded: 'recordings_completed',
  RecordingKeyRotated: null,
  RecordingFailed: 'recordings_failed',
  RecordingPurged: null,
  RecordingLegalHoldSet: null,
  RecordingLegalHoldReleased: null,
  CallQualityDegraded: 'quality_warnings',
};

export function countInDailyStats(daily: DailyStatsDelta, event: CallEvent, call: CallRow): void {
  const counter = COUNTER_OF[event.type];
  if (counter !== null) daily[counter] += 1;
  if (event.type === 'CallEnded') daily.duration_seconds_total += call.duration_seconds ?? 0;
}
