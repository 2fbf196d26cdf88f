import { eventParser, type EventSchemas, type StoredEvent } from '../shared/event-schema.js';
import type { CallQualityEvent } from './call-quality.events.js';

/** The schema version of every quality event; an upcaster goes here when a shape changes. */
export const CALL_QUALITY_EVENT_SCHEMAS: EventSchemas<CallQualityEvent> = {
  QualitySampleRecorded: { version: 1 },
};

const qualityEvents = eventParser<CallQualityEvent>('call quality', CALL_QUALITY_EVENT_SCHEMAS);

/** A stored event of a quality stream as the typed union; throws on an unknown type or version. */
export const parseCallQualityEvent = (stored: StoredEvent): CallQualityEvent =>
  qualityEvents.parse(stored);

export const isCallQualityEventType = (type: string): type is CallQualityEvent['type'] =>
  qualityEvents.knows(type);
