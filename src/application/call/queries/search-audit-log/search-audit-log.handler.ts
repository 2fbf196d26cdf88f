import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CALL_READ_MODEL, type CallReadModel } from '../../../ports/call-read-model.port.js';
import { SearchAuditLogQuery } from './search-audit-log.query.js';

@QueryHandler(SearchAuditLogQuery)
export class SearchAuditLogHandler implements IQueryHandler<SearchAuditLogQuery> {
  constructor(@Inject(CALL_READ_MODEL) private readonly calls: CallReadModel) {}

  execute(query: SearchAuditLogQuery) {
    return this.calls.auditLog(query.filter);
  }
}
