import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CALL_READ_MODEL, type CallReadModel } from '../../../ports/call-read-model.port.js';
import { CallVisibility } from '../call-visibility.js';
import { ListRecordingsQuery } from './list-recordings.query.js';

@QueryHandler(ListRecordingsQuery)
export class ListRecordingsHandler implements IQueryHandler<ListRecordingsQuery> {
  constructor(
    private readonly visibility: CallVisibility,
    @Inject(CALL_READ_MODEL) private readonly calls: CallReadModel,
  ) {}

  async execute(query: ListRecordingsQuery) {
    await this.visibility.readableCall(query, 'recordings');
    return this.calls.recordings(query.callId, query.page);
  }
}
