import type { RecordedEvent } from '../application/ports/event-store.port.js';
import { scheduleTimer } from '../infrastructure/timers/postgres-timer-store.adapter.js';
import type { Projection } from './projection.js';

export interface CallTimerSettings {
  readonly ringTimeoutSeconds: number;
  readonly reconnectGraceSeconds: number;
  /** A stopped recording with no upload after this long fails; default 3600. */
  readonly recordingUploadTimeoutSeconds?: number;
}

const CALL_STREAM_PREFIX = 'call-';

function dueAfter(event: RecordedEvent, seconds: number): Date {
  return new Date(Date.parse(event.metadata.occurredAt) + seconds * 1000);
}

/**
 * Schedules the call's durable timers from the ledger itself, so a timer exists exactly when its
 * event does: a crash between the append and the scheduling cannot lose one.
 */
export function callTimersProjection(settings: CallTimerSettings): Projection {
  return {
    name: 'call-timers',
    streamPrefixes: [CALL_STREAM_PREFIX],
    async apply(trx, events) {
      for (const event of events) {
        const callId = event.streamId.slice(CALL_STREAM_PREFIX.length);
        const startsRinging =
          (event.type === 'CallInitiated' && event.data['status'] === 'RINGING') ||
          event.type === 'CallRingingStarted';
        if (startsRinging) {
          await scheduleTimer(trx, {
            id: `ring-timeout:${event.eventId}`,
            kind: 'ring-timeout',
            streamId: event.streamId,
            payload: { callId, ringTimeoutSeconds: settings.ringTimeoutSeconds },
            dueAt: dueAfter(event, settings.ringTimeoutSeconds),
          });
        }
        if (event.type === 'ParticipantDisconnected') {
          await scheduleTimer(trx, {
            id: `reconnect-grace:${event.eventId}`,
            kind: 'reconnect-grace',
            streamId: event.streamId,
            payload: {
              callId,
              userId: String(event.data['userId']),
              reconnectGraceSeconds: settings.reconnectGraceSeconds,
            },
            dueAt: dueAfter(event, settings.reconnectGraceSeconds),
          });
        }
        const recordingId = String(event.data['recordingId']);
        if (event.type === 'RecordingStopped') {
          await scheduleTimer(trx, {
            id: `recording-upload-timeout:${event.eventId}`,
            kind: 'recording-upload-timeout',
            streamId: event.streamId,
            payload: { callId, recordingId },
            dueAt: dueAfter(event, settings.recordingUploadTimeoutSeconds ?? 3600),
          });
        }
        // Retention: due at expiry; after a released hold, due at once (it re-checks expiry).
        const expiresAt = event.data['expiresAt'];
        if (
          (event.type === 'RecordingUploaded' && typeof expiresAt === 'string') ||
          event.type === 'RecordingLegalHoldReleased'
        ) {
          await scheduleTimer(trx, {
            id: `recording-retention:${event.eventId}`,
            kind: 'recording-retention',
            streamId: event.streamId,
            payload: { callId, recordingId },
            dueAt: typeof expiresAt === 'string' ? new Date(expiresAt) : dueAfter(event, 0),
          });
        }
      }
    },
  };
}
