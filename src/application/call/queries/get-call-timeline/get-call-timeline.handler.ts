import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { callStreamId } from '../../../../domain/call/call.decider.js';
import { CallNotFoundError } from '../../../../domain/call/call.errors.js';
import { AccessAudit } from '../../../audit/access-audit.js';
import { verifyStreamIntegrity } from '../../../ledger/event-integrity.js';
import { EVENT_STORE, type EventStore } from '../../../ports/event-store.port.js';
import { GetCallTimelineQuery, type CallTimeline } from './get-call-timeline.query.js';

/** The call's own stream, straight from the ledger, with the hash chain checked. */
@QueryHandler(GetCallTimelineQuery)
export class GetCallTimelineHandler implements IQueryHandler<GetCallTimelineQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly access: AccessAudit,
  ) {}

  async execute(query: GetCallTimelineQuery): Promise<CallTimeline> {
    const events = await this.store.readStream(callStreamId(query.callId));
    if (events.length === 0) throw new CallNotFoundError(query.callId);
    await this.access.record(query, 'CallTimelineRead', { view: 'timeline' });
    return { callId: query.callId, events, integrity: verifyStreamIntegrity(events) };
  }
}
