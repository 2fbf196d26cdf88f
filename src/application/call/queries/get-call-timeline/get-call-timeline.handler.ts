import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { callStreamId } from '../../../../domain/call/call.decider.js';
import { CallNotFoundError } from '../../../../domain/call/call.errors.js';
import { AccessAudit } from '../../../audit/access-audit.js';
import { StreamVerifier } from '../../../ledger/stream-verification.js';
import { EVENT_STORE, type EventStore } from '../../../ports/event-store.port.js';
import { GetCallTimelineQuery, type CallTimeline } from './get-call-timeline.query.js';

/**
 * The call's own stream, straight from the ledger, checked against its chain, the store's head and
 * the newest signed checkpoint (stream-verification.ts).
 */
@QueryHandler(GetCallTimelineQuery)
export class GetCallTimelineHandler implements IQueryHandler<GetCallTimelineQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly access: AccessAudit,
    private readonly verifier: StreamVerifier,
  ) {}

  async execute(query: GetCallTimelineQuery): Promise<CallTimeline> {
    const events = await this.store.readStream(callStreamId(query.callId));
    if (events.length === 0) throw new CallNotFoundError(query.callId);
    await this.access.record(query, 'CallTimelineRead', { view: 'timeline' });
    const { integrity } = await this.verifier.verify(callStreamId(query.callId), events);
    return { callId: query.callId, events, integrity };
  }
}
