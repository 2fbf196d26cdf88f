import type { DomainEvent } from '../shared/event.js';
import type { CandidateType } from './call-quality.values.js';

/**
 * One connection-quality report of one participant, as measured by their browser. The stream is
 * `callquality-<callId>`, apart from the call's own so that loading a call stays cheap; it holds
 * no SDP, no ICE candidate and no address, only what they led to (the candidate type in use).
 */
export type QualitySampleRecorded = DomainEvent<
  'QualitySampleRecorded',
  {
    callId: string;
    userId: string;
    /** When the server received it (client clocks are not trusted). */
    sampledAt: string;
    rttMs: number;
    jitterMs: number;
    packetLossPct: number;
    bitrateKbps: number | null;
    /** Simplified E-model, rounded to two decimals. */
    mos: number;
    candidateType: CandidateType | null;
    connectionState: string | null;
    poor: boolean;
  }
>;

export type CallQualityEvent = QualitySampleRecorded;
export type CallQualityEventType = CallQualityEvent['type'];

export const CALL_QUALITY_EVENT_TYPES = [
  'QualitySampleRecorded',
] as const satisfies readonly CallQualityEventType[];
