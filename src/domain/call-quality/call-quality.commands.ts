import type { DomainCommand } from '../shared/event.js';
import type { CandidateType, ConnectionState } from './call-quality.values.js';

/** What a participant measures of its own connection. */
export interface QualityReport {
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly packetLossPct: number;
  readonly bitrateKbps: number | null;
  readonly candidateType: CandidateType | null;
  readonly connectionState: ConnectionState | null;
}

/**
 * A participant's connection-quality report. The sample is the actor's own: `userId` is taken from
 * `metadata.actor`, so nobody can report for another. Whether the actor takes part in the call is
 * the call's rule (`assertMayReportQuality`), checked before recording.
 */
export type RecordQualitySample = DomainCommand<
  'RecordQualitySample',
  { readonly callId: string } & QualityReport
>;

export type CallQualityCommand = RecordQualitySample;
