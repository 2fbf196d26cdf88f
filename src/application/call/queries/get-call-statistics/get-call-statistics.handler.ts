import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CALL_READ_MODEL, type CallReadModel } from '../../../ports/call-read-model.port.js';
import { GetCallStatisticsQuery } from './get-call-statistics.query.js';

/** Admins and analysts see everything; a provider sees the statistics of their own calls. */
@QueryHandler(GetCallStatisticsQuery)
export class GetCallStatisticsHandler implements IQueryHandler<GetCallStatisticsQuery> {
  constructor(@Inject(CALL_READ_MODEL) private readonly calls: CallReadModel) {}

  execute(query: GetCallStatisticsQuery) {
    return this.calls.statistics({
      from: query.from,
      to: query.to,
      providerId: query.actor.role === 'provider' ? query.actor.userId : null,
    });
  }
}
