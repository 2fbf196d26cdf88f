import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { callDecider, callStreamId } from '../../../../domain/call/call.decider.js';
import { CallNotFoundError } from '../../../../domain/call/call.errors.js';
import { AccessAudit } from '../../../audit/access-audit.js';
import { loadStream } from '../../../command-runner.js';
import { EVENT_STORE, type EventStore } from '../../../ports/event-store.port.js';
import { GetCallStateAtQuery, type CallStateAt } from './get-call-state-at.query.js';

/** The decider's own state folded from the events that had occurred by `at`. */
@QueryHandler(GetCallStateAtQuery)
export class GetCallStateAtHandler implements IQueryHandler<GetCallStateAtQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly access: AccessAudit,
  ) {}

  async execute(query: GetCallStateAtQuery): Promise<CallStateAt> {
    const now = await loadStream(this.store, callDecider, callStreamId(query.callId));
    if (now.revision < 0) throw new CallNotFoundError(query.callId);
    await this.access.record(query, 'CallStateRead', { view: 'state', at: query.at.toISOString() });
    const then = await loadStream(this.store, callDecider, callStreamId(query.callId), query.at);
    return {
      callId: query.callId,
      at: query.at.toISOString(),
      revision: then.revision,
      state: then.state,
    };
  }
}
