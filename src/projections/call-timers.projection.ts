import type { Knex } from 'knex';
import type { RecordedEvent } from '../application/ports/event-store.port.js';
import type { NewTimer } from '../application/ports/timer-store.port.js';
import { CALL_STREAM_PREFIX } from '../domain/call/call.decider.js';
import type { CallEvent } from '../domain/call/call.events.js';
import { assertNever } from '../domain/shared/assert-never.js';
import { parseCallEvent } from '../domain/call/parse-call-event.js';
import { CALL_QUALITY_STREAM_PREFIX } from '../domain/call-quality/call-quality.decider.js';
import type { CallQualityEvent } from '../domain/call-quality/call-quality.events.js';
import { parseCallQualityEvent } from '../domain/call-quality/parse-call-quality-event.js';
import type { Projection } from './projection.js';

export interface CallTimerSettings {
  readonly ringTimeoutSeconds: number;
  readonly reconnectGraceSeconds: number;
  /** A stopped recording with no upload after this long fails; default 3600. */
  readonly recordingUploadTimeoutSeconds?: number;
}

/**
 * Schedules a timer inside the transaction that applies its event; a timer id already scheduled
 * is ignored, so a replayed event schedules nothing new.
 */
export type ScheduleTimer = (trx: Knex.Transaction, timer: NewTimer) => Promise<void>;

/** The durable timers one call event starts, each with an id derived from the event's. */
export function timersFor(
  recorded: RecordedEvent,
  event: CallEvent,
  settings: CallTimerSettings,
): NewTimer[] {
  const callId = recorded.streamId.slice(CALL_STREAM_PREFIX.length);
  const streamId = recorded.streamId;
  const dueAfter = (seconds: number): Date =>
    new Date(Date.parse(recorded.metadata.occurredAt) + seconds * 1000);
  const id = (kind: NewTimer['kind']): string => `${kind}:${recorded.eventId}`;
  const ringTimeout = (): NewTimer[] => [
    {
      id: id('ring-timeout'),
      kind: 'ring-timeout',
      streamId,
      payload: { callId, ringTimeoutSeconds: settings.ringTimeoutSeconds },
      dueAt: dueAfter(settings.ringTimeoutSeconds),
    },
  ];
  // Retention: due at expiry; after a released hold, due at once (it re-checks expiry).
  const retention = (recordingId: string, dueAt: Date): NewTimer[] => [
    {
      id: id('recording-retention'),
      kind: 'recording-retention',
      streamId,
      payload: { callId, recordingId },
      dueAt,
    },
  ];
  switch (event.type) {
    case 'CallInitiated': {
      const { status, scheduledAt } = event.data;
      if (status === 'RINGING') return ringTimeout();
      // A SCHEDULED call always has its time; the ring at that time starts the ring timeout.
      return scheduledAt === null
        ? []
        : [
            {
              id: id('scheduled-ring'),
              kind: 'scheduled-ring',
              streamId,
              payload: { callId, scheduledAt },
              dueAt: new Date(scheduledAt),
            },
          ];
    }
    case 'CallRingingStarted':
      return ringTimeout();
    case 'ParticipantDisconnected':
      return [
        {
          id: id('reconnect-grace'),
          kind: 'reconnect-grace',
          streamId,
          payload: {
            callId,
            userId: String(event.data.userId),
            reconnectGraceSeconds: settings.reconnectGraceSeconds,
          },
          dueAt: dueAfter(settings.reconnectGraceSeconds),
        },
      ];
    case 'RecordingStopped':
      return [
        {
          id: id('recording-upload-timeout'),
          kind: 'recording-upload-timeout',
          streamId,
          payload: { callId, recordingId: String(event.data.recordingId) },
          dueAt: dueAfter(settings.recordingUploadTimeoutSeconds ?? 3600),
        },
      ];
    case 'RecordingUploaded': {
      const expiresAt: unknown = event.data.expiresAt;
      return typeof expiresAt === 'string'
        ? retention(String(event.data.recordingId), new Date(expiresAt))
        : [];
    }
    case 'RecordingLegalHoldReleased':
      return retention(String(event.data.recordingId), dueAfter(0));
    case 'CallAnswered':
    case 'CallDeclined':
    case 'CallCancelled':
    case 'CallEnded':
    case 'CallMissed':
    case 'CallFailed':
    case 'ParticipantJoined':
    case 'ParticipantConnected':
    case 'ParticipantReconnected':
    case 'ParticipantLeft':
    case 'ParticipantMediaUpdated':
    case 'RecordingConsentGiven':
    case 'RecordingConsentWithdrawn':
    case 'RecordingStarted':
    case 'RecordingKeyRotated':
    case 'RecordingFailed':
    case 'RecordingPurged':
    case 'RecordingLegalHoldSet':
    case 'CallQualityDegraded':
      return [];
    default:
      return assertNever(event);
  }
}

/** The connection state a browser reports when its peer connection has given up. */
const FAILED_CONNECTION_STATE = 'failed';

/**
 * The durable timers one quality sample starts: a report of a failed peer connection is looked at
 * again once the reconnect grace has passed, and fails the call unless the link came back.
 */
export function qualityTimersFor(
  recorded: RecordedEvent,
  event: CallQualityEvent,
  settings: CallTimerSettings,
): NewTimer[] {
  const { callId, userId, sampledAt, connectionState } = event.data;
  if (connectionState !== FAILED_CONNECTION_STATE) return [];
  return [
    {
      id: `connection-failure:${recorded.eventId}`,
      kind: 'connection-failure',
      streamId: recorded.streamId,
      payload: { callId, userId, failedAt: sampledAt },
      dueAt: new Date(Date.parse(sampledAt) + settings.reconnectGraceSeconds * 1000),
    },
  ];
}

/**
 * Schedules the call's durable timers from the ledger itself, so a timer exists exactly when its
 * event does: a crash between the append and the scheduling cannot lose one.
 */
export function callTimersProjection(
  settings: CallTimerSettings,
  scheduleTimer: ScheduleTimer,
): Projection {
  return {
    name: 'call-timers',
    streamPrefixes: [CALL_STREAM_PREFIX, CALL_QUALITY_STREAM_PREFIX],
    async apply(trx, events) {
      for (const recorded of events) {
        const timers = recorded.streamId.startsWith(CALL_QUALITY_STREAM_PREFIX)
          ? qualityTimersFor(recorded, parseCallQualityEvent(recorded), settings)
          : timersFor(recorded, parseCallEvent(recorded), settings);
        for (const timer of timers) await scheduleTimer(trx, timer);
      }
    },
  };
}
