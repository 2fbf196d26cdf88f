import { Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import type { JsonObject } from '../../domain/shared/event.js';
import { CommandRunner } from '../command-runner.js';
import type { AuditFilter } from '../ports/call-read-model.port.js';
import type { RequestContext } from '../request-context.js';

export const AUDIT_LOG_SEARCHED_EVENT = 'AuditLogSearched';

export const AUDIT_SEARCH_STREAM_PREFIX = 'audit-search-';

/** One stream per searching user: the audit log shows IP addresses, so reading it is audited. */
export const auditSearchStreamId = (actorId: string): string =>
  `${AUDIT_SEARCH_STREAM_PREFIX}${actorId}`;

/** The filters a search used, by name; those left empty are not named. */
export function usedFilters(filter: AuditFilter): JsonObject {
  const used: JsonObject = {};
  if (filter.actorId !== null) used['actorId'] = filter.actorId;
  if (filter.callId !== null) used['callId'] = filter.callId;
  if (filter.action !== null) used['action'] = filter.action;
  if (filter.from !== null) used['from'] = filter.from.toISOString();
  if (filter.to !== null) used['to'] = filter.to.toISOString();
  return used;
}

/**
 * Records a search of the audit log: the filters and page asked for, never the entries found
 * (they are in the ledger already).
 */
@Injectable()
export class AuditSearchAudit {
  constructor(private readonly runner: CommandRunner) {}

  record(filter: AuditFilter, actor: Actor, context: RequestContext): Promise<void> {
    return this.runner.record(
      auditSearchStreamId(actor.userId),
      {
        type: AUDIT_LOG_SEARCHED_EVENT,
        data: {
          filters: usedFilters(filter),
          limit: filter.limit,
          nextPage: filter.cursor !== null,
        },
      },
      actor,
      context,
    );
  }
}
