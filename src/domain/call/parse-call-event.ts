import { eventParser, type EventSchemas, type StoredEvent } from '../shared/event-schema.js';
import type { CallEvent } from './call.events.js';

const CURRENT = { version: 1 } as const;

/** The schema version of every call event; an upcaster goes here when a shape changes. */
export const CALL_EVENT_SCHEMAS: EventSchemas<CallEvent> = {
  CallInitiated: CURRENT,
  CallRingingStarted: CURRENT,
  CallAnswered: CURRENT,
  CallDeclined: CURRENT,
  CallCancelled: CURRENT,
  CallEnded: CURRENT,
  CallMissed: CURRENT,
  CallFailed: CURRENT,
  ParticipantJoined: CURRENT,
  ParticipantConnected: CURRENT,
  ParticipantDisconnected: {
    version: 2,
    upcasters: { 1: (data) => ({ ...data, reason: 'connection_lost' }) },
  },
  ParticipantReconnected: CURRENT,
  ParticipantLeft: CURRENT,
  ParticipantMediaUpdated: CURRENT,
  RecordingConsentGiven: CURRENT,
  RecordingConsentWithdrawn: CURRENT,
  RecordingStarted: CURRENT,
  RecordingStopped: CURRENT,
  RecordingUploaded: CURRENT,
  RecordingKeyRotated: CURRENT,
  RecordingFailed: CURRENT,
  RecordingPurged: CURRENT,
  RecordingLegalHoldSet: CURRENT,
  RecordingLegalHoldReleased: CURRENT,
  CallQualityDegraded: CURRENT,
};

const callEvents = eventParser<CallEvent>('call', CALL_EVENT_SCHEMAS);

/** A stored event of a call stream as the typed union; throws on an unknown type or version. */
export const parseCallEvent = (stored: StoredEvent): CallEvent => callEvents.parse(stored);

export const isCallEventType = (type: string): type is CallEvent['type'] => callEvents.knows(type);
