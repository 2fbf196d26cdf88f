import type { RecordedEvent } from '../application/ports/event-store.port.js';
import { isoInstant, uuidOrNull, type AuditRow } from './read-model-rows.js';

/*
 * The pure half of the audit log: one row per event of any stream. `outcome` is a short result an
 * auditor can filter on: the call status a lifecycle event led to, the participant's status, the
 * consent given or withdrawn, the recording's status, `granted` for a read of an access stream.
 */

/** Streams whose id ends in the call id. */
const CALL_SCOPED_PREFIXES = ['call-', 'callquality-', 'access-'] as const;
const ACCESS_PREFIX = 'access-';

const STATUS_AFTER: Readonly<Record<string, string>> = {
  CallRingingStarted: 'RINGING',
  CallAnswered: 'IN_PROGRESS',
  CallDeclined: 'DECLINED',
  CallCancelled: 'CANCELLED',
  CallEnded: 'ENDED',
  CallMissed: 'MISSED',
  CallFailed: 'FAILED',
  ParticipantJoined: 'JOINING',
  ParticipantConnected: 'CONNECTED',
  ParticipantReconnected: 'CONNECTED',
  ParticipantDisconnected: 'DISCONNECTED',
  ParticipantLeft: 'LEFT',
  RecordingConsentGiven: 'consented',
  RecordingConsentWithdrawn: 'withdrawn',
  RecordingStarted: 'RECORDING',
  RecordingStopped: 'STOPPED',
  RecordingUploaded: 'COMPLETED',
  RecordingFailed: 'FAILED',
  RecordingPurged: 'PURGED',
  RecordingLegalHoldSet: 'legal_hold_set',
  RecordingLegalHoldReleased: 'legal_hold_released',
  CallQualityDegraded: 'degraded',
};

export function callIdOfAnyStream(streamId: string): string | null {
  for (const prefix of CALL_SCOPED_PREFIXES) {
    if (streamId.startsWith(prefix)) return uuidOrNull(streamId.slice(prefix.length));
  }
  return null;
}

const onOff = (value: unknown): string => (value === true ? 'on' : 'off');

export function auditOutcome(event: RecordedEvent): string {
  if (event.streamId.startsWith(ACCESS_PREFIX)) return 'granted';
  const data = event.data;
  switch (event.type) {
    case 'CallInitiated':
      return data['status'] === 'SCHEDULED' ? 'SCHEDULED' : 'RINGING';
    case 'ParticipantMediaUpdated':
      return `video:${onOff(data['video'])},audio:${onOff(data['audio'])},screenShare:${onOff(data['screenShare'])}`;
    case 'QualitySampleRecorded':
      return data['poor'] === true ? 'poor' : 'ok';
    default:
      return STATUS_AFTER[event.type] ?? 'recorded';
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
    recording_id: uuidOrNull(event.data['recordingId']),
    outcome: auditOutcome(event),
    origin: originOf(event),
  };
}

export function auditRowsOf(events: readonly RecordedEvent[]): AuditRow[] {
  return events.map(auditRowOf);
}
