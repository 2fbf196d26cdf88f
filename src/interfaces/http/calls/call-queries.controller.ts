import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../domain/shared/actor.js';
import { GetCallDetailsQuery } from '../../../application/call/queries/get-call-details/get-call-details.query.js';
import { GetCallHistoryQuery } from '../../../application/call/queries/get-call-history/get-call-history.query.js';
import { GetRecordingQuery } from '../../../application/call/queries/get-recording/get-recording.query.js';
import { ListRecordingsQuery } from '../../../application/call/queries/list-recordings/list-recordings.query.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import {
  CallHistoryQueryDto,
  FreshnessQueryDto,
  PagedFreshnessQueryDto,
} from '../dto/query-params.dto.js';
import { requestedPage } from '../dto/page-query.dto.js';
import { Freshness } from '../freshness.js';
import { recordingRoute, uuidParam, type RecordingRoute } from '../validation.js';

/** The query side of calls: read models only, never the aggregates. */
@ApiTags('calls')
@ApiBearerAuth()
@Controller('webrtc/calls')
export class CallQueriesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly freshness: Freshness,
  ) {}

  @Get()
  @Roles('provider', 'patient')
  @ApiOperation({ summary: 'Your calls, newest first (keyset pagination)' })
  async history(
    @CurrentActor() actor: Actor,
    @Query() query: CallHistoryQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.freshness.awaitPosition('calls', query.minPosition, response);
    const page = await this.queries.execute(
      new GetCallHistoryQuery(actor, {
        statuses: query.status ?? [],
        from: query.from ? new Date(query.from) : null,
        to: query.to ? new Date(query.to) : null,
        ...requestedPage(query),
      }),
    );
    return { calls: page.items, total: page.total, nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('provider', 'patient', 'auditor', 'admin')
  @ApiOperation({ summary: 'One call with participants, consent, recordings and quality' })
  async details(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Query() query: FreshnessQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.freshness.awaitPosition('calls', query.minPosition, response);
    const call = await this.queries.execute(new GetCallDetailsQuery(actor, id, context));
    response.setHeader('ETag', `"${call.revision}"`);
    return call;
  }

  @Get(':id/recordings')
  @Roles('provider', 'patient', 'auditor', 'admin')
  async recordings(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Query() query: PagedFreshnessQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.freshness.awaitPosition('calls', query.minPosition, response);
    const page = await this.queries.execute(
      new ListRecordingsQuery(actor, id, context, requestedPage(query)),
    );
    return { recordings: page.items, nextCursor: page.nextCursor };
  }

  @Get(':id/recordings/:recordingId')
  @Roles('provider', 'patient', 'auditor', 'admin')
  async recording(
    @Param(recordingRoute) { callId: id, recordingId }: RecordingRoute,
    @CurrentRequester() { actor, context }: Requester,
    @Query() query: FreshnessQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.freshness.awaitPosition('calls', query.minPosition, response);
    return this.queries.execute(new GetRecordingQuery(actor, id, recordingId, context));
  }
}
