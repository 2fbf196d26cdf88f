import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { RequestContext } from '../../../request-context.js';
import type { StreamIntegrity } from '../../../ledger/stream-verification.js';
import type { RecordedEvent } from '../../../ports/event-store.port.js';

export interface CallTimeline {
  readonly callId: string;
  readonly events: readonly RecordedEvent[];
  readonly integrity: StreamIntegrity;
}

export class GetCallTimelineQuery extends Query<CallTimeline> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
