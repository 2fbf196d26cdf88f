import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { AuditEntry, AuditFilter, Page } from '../../../ports/call-read-model.port.js';
import type { RequestContext } from '../../../request-context.js';

export class SearchAuditLogQuery extends Query<Page<AuditEntry>> {
  constructor(
    readonly actor: Actor,
    readonly filter: AuditFilter,
    readonly context: RequestContext,
  ) {
    super();
  }
}
