import type { CallEvent, RecordingStarted } from '../../domain/call/call.events.js';
import { assertNever } from '../../domain/shared/assert-never.js';
import type { RecordingRow } from '../read-model-rows.js';
import { finite, instant, text, uuidOrNull, wholeSeconds } from './event-values.js';
import type { ReadModelEvent } from './read-model-event.js';

/* `call_recordings`: one row per recording, from its start to its purge. */

/** The events of one recording: each names it. */
export type RecordingEvent = Extract<CallEvent, { data: { recordingId: string } }>;

/** The events of an existing recording: everything after its start. */
export type LaterRecordingEvent = Exclude<RecordingEvent, RecordingStarted>;

export function startedRecording(
  callId: string,
  input: ReadModelEvent<RecordingStarted>,
): RecordingRow | null {
  const id = uuidOrNull(input.event.data.recordingId);
  if (id === null) return null;
  const { startedBy, consentedParticipants } = input.event.data;
  const consented: unknown = consentedParticipants;
  return {
    id,
    call_id: callId,
    status: 'RECORDING',
    started_by: text(startedBy) ?? 'system',
    started_at: input.at,
    stopped_at: null,
    stopped_by: null,
    stop_reason: null,
    duration_seconds: null,
    consented_participants: Array.isArray(consented)
      ? consented.map(uuidOrNull).filter((v): v is string => v !== null)
      : [],
    size_bytes: null,
    sha256: null,
    storage_key: null,
    key_id: null,
    content_type: null,
    completed_at: null,
    failed_at: null,
    failure_reason: null,
    expires_at: null,
    legal_hold: false,
    purged_at: null,
    last_position: input.position,
  };
}

/** Returns whether the event took effect (a stop of a recording not running does not). */
export function foldRecording(
  recording: RecordingRow,
  event: LaterRecordingEvent,
  at: string,
): boolean {
  switch (event.type) {
    case 'RecordingStopped':
      if (recording.status !== 'RECORDING') return false;
      recording.status = 'STOPPED';
      recording.stopped_at = at;
      recording.stopped_by = text(event.data.stoppedBy);
      recording.stop_reason = text(event.data.reason);
      recording.duration_seconds = wholeSeconds(event.data.durationSeconds);
      return true;
    case 'RecordingUploaded':
      recording.status = 'COMPLETED';
      recording.size_bytes = finite(event.data.sizeBytes);
      recording.sha256 = text(event.data.sha256);
      recording.storage_key = text(event.data.storageKey);
      recording.key_id = text(event.data.keyId);
      recording.content_type = text(event.data.contentType);
      recording.expires_at = instant(event.data.expiresAt);
      recording.completed_at = at;
      return true;
    case 'RecordingKeyRotated':
      if (recording.status !== 'COMPLETED') return false;
      recording.storage_key = text(event.data.storageKey);
      recording.key_id = text(event.data.toKeyId);
      return true;
    case 'RecordingFailed':
      recording.status = 'FAILED';
      recording.failed_at = at;
      recording.failure_reason = text(event.data.reason);
      return true;
    case 'RecordingPurged':
      recording.status = 'PURGED';
      recording.purged_at = at;
      return true;
    case 'RecordingLegalHoldSet':
    case 'RecordingLegalHoldReleased':
      recording.legal_hold = event.type === 'RecordingLegalHoldSet';
      return true;
    default:
      return assertNever(event);
  }
}
