import { ACCESS_STREAM_PREFIX } from '../application/audit/access-audit.js';
import { ACCESS_DENIED_EVENT } from '../application/audit/access-denial-audit.js';
import { AUDIT_LOG_SEARCHED_EVENT } from '../application/audit/audit-search-audit.js';
import type { RecordedEvent } from '../application/ports/event-store.port.js';
import { CALL_QUALITY_STREAM_PREFIX } from '../domain/call-quality/call-quality.decider.js';
import type { CallQualityEvent } from '../domain/call-quality/call-quality.events.js';
import {
  isCallQualityEventType,
  parseCallQualityEvent,
} from '../domain/call-quality/parse-call-quality-event.js';
import { CALL_STREAM_PREFIX } from '../domain/call/call.decider.js';
import type { CallEvent } from '../domain/call/call.events.js';
import { assertNever } from '../domain/shared/assert-never.js';
import { isCallEventType, parseCallEvent } from '../domain/call/parse-call-event.js';
import { isoInstant, uuidOrNull, type AuditRow } from './read-model-rows.js';

/*
 * The pure half of the audit log: one row per event of any stream. `outcome` is a short result an
 * auditor can filter on: the call status a lifecycle event led to, the participant's status, the
 * consent given or withdrawn, the recording's status, `granted` for a read of an access stream,
 * `denied:<code>` for a refusal recorded there, `filters:<names>` for a search of this log.
 * Call and quality events are read as their typed unions; an event of any other kind (a read of
 * an access stream, or a stream the audit log knows nothing of) is still recorded, as itself.
 */

/** Streams whose id ends in the call id. */
const CALL_SCOPED_PREFIXES = [
  CALL_STREAM_PREFIX,
  CALL_QUALITY_STREAM_PREFIX,
  ACCESS_STREAM_PREFIX,
] as const;

export function callIdOfAnyStream(streamId: string): string | null {
  for (const prefix of CALL_SCOPED_PREFIXES) {
    if (streamId.startsWith(prefix)) return uuidOrNull(streamId.slice(prefix.length));
  }
  return null;
}

const onOff = (value: unknown): string => (value === true ? 'on' : 'off');

function callOutcome(event: CallEvent): string {
  switch (event.type) {
    case 'CallInitiated':
      return event.data.status === 'SCHEDULED' ? 'SCHEDULED' : 'RINGING';
    case 'CallRingingStarted':
      return 'RINGING';
    case 'CallAnswered':
      return 'IN_PROGRESS';
    case 'CallDeclined':
      return 'DECLINED';
    case 'CallCancelled':
      return 'CANCELLED';
    case 'CallEnded':
      return 'ENDED';
    case 'CallMissed':
      return 'MISSED';
    case 'CallFailed':
      return 'FAILED';
    case 'ParticipantJoined':
      return 'JOINING';
    case 'ParticipantConnected':
    case 'ParticipantReconnected':
      return 'CONNECTED';
    case 'ParticipantDisconnected':
      return 'DISCONNECTED';
    case 'ParticipantLeft':
      return 'LEFT';
    case 'ParticipantMediaUpdated': {
      const { video, audio, screenShare } = event.data;
      return `video:${onOff(video)},audio:${onOff(audio)},screenShare:${onOff(screenShare)}`;
    }
    case 'RecordingConsentGiven':
      return 'consented';
    case 'RecordingConsentWithdrawn':
      return 'withdrawn';
    case 'RecordingStarted':
      return 'RECORDING';
    case 'RecordingStopped':
      return 'STOPPED';
    case 'RecordingUploaded':
      return 'COMPLETED';
    case 'RecordingKeyRotated':
      return 'key_rotated';
    case 'RecordingFailed':
      return 'FAILED';
    case 'RecordingPurged':
      return 'PURGED';
    case 'RecordingLegalHoldSet':
      return 'legal_hold_set';
    case 'RecordingLegalHoldReleased':
      return 'legal_hold_released';
    case 'CallQualityDegraded':
      return 'degraded';
    default:
      return assertNever(event);
  }
}

function qualityOutcome(event: CallQualityEvent): string {
  switch (event.type) {
    case 'QualitySampleRecorded':
      return event.data.poor === true ? 'poor' : 'ok';
    default:
      return assertNever(event.type);
  }
}

/** An event as the audit log reads it: typed when it is a call or quality event. */
type AuditedEvent =
  | { readonly family: 'call'; readonly event: CallEvent }
  | { readonly family: 'quality'; readonly event: CallQualityEvent }
  | { readonly family: 'other' };

function audited(recorded: RecordedEvent): AuditedEvent {
  if (isCallEventType(recorded.type)) return { family: 'call', event: parseCallEvent(recorded) };
  if (isCallQualityEventType(recorded.type)) {
    return { family: 'quality', event: parseCallQualityEvent(recorded) };
  }
  return { family: 'other' };
}

const ERROR_CODE = /^[A-Z][A-Z_]*(\.[A-Z][A-Z_]*)+$/;

/** `denied:<code answered>`, e.g. `denied:CALL.NOT_FOUND`. */
function deniedOutcome(recorded: RecordedEvent): string {
  const code = recorded.data['code'];
  return typeof code === 'string' && ERROR_CODE.test(code) ? `denied:${code}` : 'denied';
}

/** `filters:<names of the filters used>`, e.g. `filters:action,callId`, or `filters:none`. */
function searchOutcome(recorded: RecordedEvent): string {
  const filters = recorded.data['filters'];
  const names =
    filters !== null && typeof filters === 'object' && !Array.isArray(filters)
      ? Object.keys(filters).filter((name) => /^[A-Za-z]{1,32}$/.test(name))
      : [];
  return `filters:${names.length > 0 ? names.sort().join(',') : 'none'}`;
}

/** Logins and sessions: how it went, or why it ended (`reason` is one of a few fixed words). */
function sessionOutcome(recorded: RecordedEvent): string | null {
  const reason = recorded.data['reason'];
  switch (recorded.type) {
    case 'LoginSucceeded':
      return 'succeeded';
    case 'LoggedOut':
      return 'logged_out';
    case 'UserDeactivated':
      return 'deactivated';
    case 'LoginFailed':
    case 'SessionRevoked':
      return typeof reason === 'string' ? reason : 'recorded';
    default:
      return null;
  }
}

function outcomeOf(recorded: RecordedEvent, event: AuditedEvent): string {
  if (recorded.type === ACCESS_DENIED_EVENT) return deniedOutcome(recorded);
  if (recorded.type === AUDIT_LOG_SEARCHED_EVENT) return searchOutcome(recorded);
  if (recorded.streamId.startsWith(ACCESS_STREAM_PREFIX)) return 'granted';
  const session = sessionOutcome(recorded);
  if (session !== null) return session;
  switch (event.family) {
    case 'call':
      return callOutcome(event.event);
    case 'quality':
      return qualityOutcome(event.event);
    case 'other':
      return 'recorded';
    default:
      return assertNever(event);
  }
}

export const auditOutcome = (recorded: RecordedEvent): string =>
  outcomeOf(recorded, audited(recorded));

/** The recording an event is about: a call's recording event, or a read of a recording. */
function recordingIdOf(recorded: RecordedEvent, event: AuditedEvent): string | null {
  switch (event.family) {
    case 'call':
      return 'recordingId' in event.event.data ? uuidOrNull(event.event.data.recordingId) : null;
    case 'quality':
      return null;
    case 'other':
      // Reads of an access stream, and events of kinds not known here, name it in the same field.
      return uuidOrNull(recorded.data['recordingId']);
    default:
      return assertNever(event);
  }
}

function originOf(event: RecordedEvent): AuditRow['origin'] {
  const origin = event.metadata.origin;
  if (!origin || typeof origin !== 'object') return null;
  const result: { ip?: string; userAgent?: string } = {};
  if (typeof origin.ip === 'string') result.ip = origin.ip;
  if (typeof origin.userAgent === 'string') result.userAgent = origin.userAgent;
  return result.ip === undefined && result.userAgent === undefined ? null : result;
}

export function auditRowOf(event: RecordedEvent): AuditRow {
  const typed = audited(event);
  const actor = event.metadata.actor as { userId?: unknown; role?: unknown } | undefined;
  return {
    position: event.position,
    event_id: event.eventId,
    stream_id: event.streamId,
    occurred_at: isoInstant(event.metadata.occurredAt) ?? new Date(0).toISOString(),
    actor_id: typeof actor?.userId === 'string' ? actor.userId : 'system',
    actor_role: typeof actor?.role === 'string' ? actor.role : 'system',
    action: event.type,
    call_id: callIdOfAnyStream(event.streamId),
    recording_id: recordingIdOf(event, typed),
    outcome: outcomeOf(event, typed),
    origin: originOf(event),
  };
}

export function auditRowsOf(events: readonly RecordedEvent[]): AuditRow[] {
  return events.map(auditRowOf);
}
