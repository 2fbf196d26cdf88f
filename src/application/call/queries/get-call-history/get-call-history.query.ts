import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { CallStatus } from '../../../../domain/call/call.values.js';
import type { CallSummary, Page } from '../../../ports/call-read-model.port.js';

export class GetCallHistoryQuery extends Query<Page<CallSummary> & { total: number }> {
  constructor(
    readonly actor: Actor,
    readonly filter: {
      readonly statuses: readonly CallStatus[];
      readonly from: Date | null;
      readonly to: Date | null;
      readonly limit: number;
      readonly cursor: string | null;
    },
  ) {
    super();
  }
}
