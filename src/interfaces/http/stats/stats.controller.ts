import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../domain/shared/actor.js';
import { GetCallStatisticsQuery } from '../../../application/call/queries/get-call-statistics/get-call-statistics.query.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { StatisticsQueryDto } from '../dto/query-params.dto.js';
import { Freshness } from '../freshness.js';
import { HttpError } from '../http-error.js';

const DEFAULT_RANGE_MS = 30 * 24 * 3600 * 1000;
const MAX_RANGE_MS = 3660 * 24 * 3600 * 1000;

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('webrtc/stats')
export class StatsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly freshness: Freshness,
  ) {}

  @Get()
  @Roles('admin', 'analyst', 'provider')
  @ApiOperation({
    summary: 'Volumes, success rates, durations, quality and P2P vs TURN over [from, to)',
  })
  async statistics(
    @CurrentActor() actor: Actor,
    @Query() query: StatisticsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() >= to.getTime()) {
      throw new HttpError(400, 'REQUEST.INVALID_RANGE', '`from` must be before `to`');
    }
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
      throw new HttpError(400, 'REQUEST.INVALID_RANGE', 'The range may span at most ten years');
    }
    await this.freshness.awaitPosition('calls', query.minPosition, response);
    return this.queries.execute(new GetCallStatisticsQuery(actor, from, to));
  }
}
