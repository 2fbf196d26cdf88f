import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetIceServersQuery } from '../../../application/signaling/get-ice-servers/get-ice-servers.query.js';
import type { Actor } from '../../../domain/shared/actor.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { IceServersQueryDto } from './ice-servers-query.dto.js';

@ApiTags('calls')
@ApiBearerAuth()
@Roles('provider', 'patient')
@Controller('webrtc')
export class IceServersController {
  constructor(private readonly queries: QueryBus) {}

  @Get('ice-servers')
  @ApiOperation({
    summary: 'STUN servers, and TURN with time-limited credentials while you are in a live call',
  })
  async iceServers(@CurrentActor() actor: Actor, @Query() query: IceServersQueryDto) {
    // TURN credentials are secrets with an expiry: like every API response (security-headers.ts),
    // this one is no-store.
    return this.queries.execute(new GetIceServersQuery(actor, query.callId ?? null));
  }
}
