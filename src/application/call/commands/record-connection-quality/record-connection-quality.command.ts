import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type {
  CandidateType,
  ConnectionState,
} from '../../../../domain/call-quality/call-quality.values.js';
import type { QualitySampleRecorded } from '../../../../domain/call-quality/call-quality.events.js';
import type { RequestContext } from '../../../request-context.js';

export interface ConnectionQualityReport {
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly packetLossPct: number;
  readonly bitrateKbps: number | null;
  readonly candidateType: CandidateType | null;
  readonly connectionState: ConnectionState | null;
}

export interface RecordConnectionQualityResult {
  readonly sample: QualitySampleRecorded['data'];
  /** The report moved the caller from JOINING to CONNECTED. */
  readonly connected: boolean;
  /** The report raised a quality warning (CallQualityDegraded on the call). */
  readonly degraded: boolean;
}

/** A participant's own connection-quality sample (socket `connection-quality`, about every 10 s). */
export class RecordConnectionQualityCommand extends Command<RecordConnectionQualityResult> {
  constructor(
    readonly callId: string,
    readonly actor: Actor,
    readonly context: RequestContext,
    readonly report: ConnectionQualityReport,
  ) {
    super();
  }
}
