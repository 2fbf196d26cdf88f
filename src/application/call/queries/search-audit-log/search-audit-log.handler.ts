import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AuditSearchAudit } from '../../../audit/audit-search-audit.js';
import {
  CALL_READ_MODEL,
  type AuditEntry,
  type CallReadModel,
  type Page,
} from '../../../ports/call-read-model.port.js';
import { SearchAuditLogQuery } from './search-audit-log.query.js';

/**
 * Searches the audit log, and records the search before answering: a search refused as malformed
 * (a forged cursor) found nothing and appends nothing; one that cannot be recorded is not answered.
 */
@QueryHandler(SearchAuditLogQuery)
export class SearchAuditLogHandler implements IQueryHandler<SearchAuditLogQuery> {
  constructor(
    @Inject(CALL_READ_MODEL) private readonly calls: CallReadModel,
    private readonly searches: AuditSearchAudit,
  ) {}

  async execute(query: SearchAuditLogQuery): Promise<Page<AuditEntry>> {
    const page = await this.calls.auditLog(query.filter);
    await this.searches.record(query.filter, query.actor, query.context);
    return page;
  }
}
