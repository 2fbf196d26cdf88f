import { Body, Controller, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../domain/shared/actor.js';
import type { RequestContext } from '../../../application/request-context.js';
import type { CallCommandResult } from '../../../application/call/call-command.result.js';
import { CallCommands, type CallRequest } from '../../../application/call/call-commands.js';
import { InitiateCallCommand } from '../../../application/call/commands/initiate-call/initiate-call.command.js';
import { StartRecordingCommand } from '../../../application/call/commands/start-recording/start-recording.command.js';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { ConsentDto } from '../dto/consent.dto.js';
import { noFields } from '../dto/empty.dto.js';
import { InitiateCallDto } from '../dto/initiate-call.dto.js';
import { ReasonDto } from '../dto/reason.dto.js';
import { HttpError } from '../http-error.js';
import { RateLimitedPerUser } from '../user-rate-limit.guard.js';
import { recordingRoute, uuidParam, type RecordingRoute } from '../validation.js';
import { presentCallResult, presentRecordingResult } from './call.presenter.js';
import { MayInitiateGuard } from './may-initiate.guard.js';

const reasonOf = (body: ReasonDto) => ({ reason: body.reason ?? null });

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function withEtag(response: Response, result: Pick<CallCommandResult, 'revision'>): void {
  response.setHeader('ETag', `"${result.revision}"`);
}

/**
 * The command side of calls: each route builds the call command and hands it to the command
 * runner; the use cases with logic of their own (initiate, start recording) go through the bus.
 */
@ApiTags('calls')
@ApiBearerAuth()
@Roles('provider', 'patient')
@Controller('webrtc/calls')
export class CallsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly calls: CallCommands,
  ) {}

  @Post()
  @UseGuards(MayInitiateGuard)
  @RateLimitedPerUser('calls')
  @ApiOperation({ summary: 'Call a patient (RINGING now, or SCHEDULED for later)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async initiate(
    @CurrentRequester() { actor, context }: Requester,
    @Body() body: InitiateCallDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError(
        400,
        'REQUEST.INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
      );
    }
    const result = await this.commands.execute(
      new InitiateCallCommand(
        actor,
        context,
        {
          patientId: body.patientId,
          providerId: body.providerId ?? null,
          type: body.type,
          scheduledAt: body.scheduledAt ? new Date(body.scheduledAt).toISOString() : null,
          recordingEnabled: body.recordingEnabled ?? true,
          reason: body.reason ?? null,
        },
        idempotencyKey ?? null,
      ),
    );
    response.status(result.replayed ? 200 : 201);
    withEtag(response, result);
    return presentCallResult(result);
  }

  @Post(':id/ring')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ring a SCHEDULED call now, before its time (its initiator only)',
  })
  async ring(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body(noFields) _body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(response, id, { type: 'RingScheduledCall', data: {} }, actor, context);
  }

  @Post(':id/answer')
  @HttpCode(200)
  async answer(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body(noFields) _body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(response, id, { type: 'AnswerCall', data: {} }, actor, context);
  }

  @Post(':id/decline')
  @HttpCode(200)
  async decline(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body() body: ReasonDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(response, id, { type: 'DeclineCall', data: reasonOf(body) }, actor, context);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body() body: ReasonDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(response, id, { type: 'CancelCall', data: reasonOf(body) }, actor, context);
  }

  @Post(':id/end')
  @HttpCode(200)
  async end(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body() body: ReasonDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.run(response, id, { type: 'EndCall', data: reasonOf(body) }, actor, context);
  }

  @Post(':id/consent')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give or withdraw your own consent to recording' })
  async consent(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body() body: ConsentDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const type = body.consented ? 'GiveRecordingConsent' : 'WithdrawRecordingConsent';
    return this.run(response, id, { type, data: {} }, actor, context);
  }

  @Post(':id/record')
  @ApiOperation({ summary: 'Start recording (the provider; needs every participant’s consent)' })
  async record(
    @Param('id', uuidParam) id: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body(noFields) _body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.commands.execute(new StartRecordingCommand(id, actor, context));
    response.status(201);
    return this.recordingResponse(response, result, result.recordingId);
  }

  @Post(':id/recordings/:recordingId/stop')
  @HttpCode(200)
  async stopRecording(
    @Param(recordingRoute) { callId: id, recordingId }: RecordingRoute,
    @CurrentRequester() { actor, context }: Requester,
    @Body(noFields) _body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.calls.execute(
      id,
      { type: 'StopRecording', data: { recordingId } },
      actor,
      context,
    );
    return this.recordingResponse(response, result, recordingId);
  }

  private async run(
    response: Response,
    callId: string,
    command: CallRequest,
    actor: Actor,
    context: RequestContext,
  ) {
    const result = await this.calls.execute(callId, command, actor, context);
    withEtag(response, result);
    return presentCallResult(result);
  }

  private recordingResponse(response: Response, result: CallCommandResult, recordingId: string) {
    withEtag(response, result);
    return presentRecordingResult(result, recordingId).body;
  }
}
