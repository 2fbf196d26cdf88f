import { Query } from '@nestjs/cqrs';
import type { AuditEntry, AuditFilter, Page } from '../../../ports/call-read-model.port.js';

export class SearchAuditLogQuery extends Query<Page<AuditEntry>> {
  constructor(readonly filter: AuditFilter) {
    super();
  }
}
