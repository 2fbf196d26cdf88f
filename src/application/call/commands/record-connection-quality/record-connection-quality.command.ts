import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { QualityReport } from '../../../../domain/call-quality/call-quality.commands.js';
import type { QualitySampleRecorded } from '../../../../domain/call-quality/call-quality.events.js';
import type { RequestContext } from '../../../request-context.js';

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
    readonly report: QualityReport,
    /** The interval clients are asked to report at: the budget of samples kept (SAMPLE_BUDGET). */
    readonly reportIntervalSeconds: number,
  ) {
    super();
  }
}
