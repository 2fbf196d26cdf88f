import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CALL_READ_MODEL, type CallReadModel } from '../../../ports/call-read-model.port.js';
import { GetCallHistoryQuery } from './get-call-history.query.js';

/** A provider's or patient's own calls, newest first. */
@QueryHandler(GetCallHistoryQuery)
export class GetCallHistoryHandler implements IQueryHandler<GetCallHistoryQuery> {
  constructor(@Inject(CALL_READ_MODEL) private readonly calls: CallReadModel) {}

  execute(query: GetCallHistoryQuery) {
    return this.calls.history({ participantId: query.actor.userId, ...query.filter });
  }
}
