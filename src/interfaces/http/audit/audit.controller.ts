import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetCallStateAtQuery } from '../../../application/call/queries/get-call-state-at/get-call-state-at.query.js';
import { GetCallTimelineQuery } from '../../../application/call/queries/get-call-timeline/get-call-timeline.query.js';
import { SearchAuditLogQuery } from '../../../application/call/queries/search-audit-log/search-audit-log.query.js';
import { Roles } from '../auth/auth.decorators.js';
import { isExistingCall, presentCall } from '../calls/call.presenter.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { AuditEventsQueryDto, StateAtQueryDto } from '../dto/query-params.dto.js';
import { requestedPage } from '../dto/page-query.dto.js';
import { Freshness } from '../freshness.js';
import { uuidParam } from '../validation.js';

/** For compliance auditors: every call's history as the ledger holds it. Reads are audited. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    private readonly freshness: Freshness,
  ) {}

  @Get('calls/:id/timeline')
  @ApiOperation({ summary: "The call's events in order, with the hash chain verified" })
  async timeline(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
  ) {
    const timeline = await this.queries.execute(new GetCallTimelineQuery(actor, id, context));
    return {
      callId: timeline.callId,
      events: timeline.events.map((event) => ({
        position: event.position,
        revision: event.revision,
        type: event.type,
        occurredAt: event.metadata.occurredAt,
        actor: event.metadata.actor,
        data: event.data,
        metadata: event.metadata,
      })),
      integrity: timeline.integrity,
    };
  }

  @Get('calls/:id/state')
  @ApiOperation({ summary: 'The call as it stood at an instant (folded from the ledger)' })
  async stateAt(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Query() query: StateAtQueryDto,
  ) {
    const result = await this.queries.execute(
      new GetCallStateAtQuery(actor, id, new Date(query.at), context),
    );
    return {
      callId: result.callId,
      at: result.at,
      revision: result.revision,
      state: isExistingCall(result.state) ? presentCall(result.state) : { status: 'NONE' },
    };
  }

  @Get('events')
  @ApiOperation({
    summary:
      'Search the audit log (one entry per ledger event), oldest first; the search is audited',
  })
  async events(
    @CurrentRequester() { actor, context }: Requester,
    @Query() query: AuditEventsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.freshness.awaitPosition('audit', query.minPosition, response);
    const page = await this.queries.execute(
      new SearchAuditLogQuery(
        actor,
        {
          actorId: query.actorId ?? null,
          callId: query.callId ?? null,
          action: query.action ?? null,
          from: query.from ? new Date(query.from) : null,
          to: query.to ? new Date(query.to) : null,
          ...requestedPage(query),
        },
        context,
      ),
    );
    return { entries: page.items, nextCursor: page.nextCursor };
  }
}
