import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
  Body,
  Inject,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { once } from 'node:events';
import type { Actor } from '../../../domain/shared/actor.js';
import {
  RECORDING_CONTENT_TYPES,
  type RecordingContentType,
} from '../../../domain/call/call.values.js';
import type { CallCommandResult } from '../../../application/call/call-command.result.js';
import { CallCommands } from '../../../application/call/call-commands.js';
import type { RequestContext } from '../../../application/request-context.js';
import { RecordingIntegrityError } from '../../../application/ports/recording-crypto.port.js';
import { DownloadRecordingMediaQuery } from '../../../application/recording/download-recording-media/download-recording-media.query.js';
import {
  RangeNotSatisfiableError,
  RecordingTooLargeError,
} from '../../../application/recording/recording.errors.js';
import {
  RECORDING_SETTINGS,
  type RecordingSettings,
} from '../../../application/recording/recording-settings.js';
import { UploadRecordingMediaCommand } from '../../../application/recording/upload-recording-media/upload-recording-media.command.js';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { noFields } from '../dto/empty.dto.js';
import { HttpError } from '../http-error.js';
import { RateLimitedPerUser } from '../user-rate-limit.guard.js';
import { recordingRoute, type RecordingRoute } from '../validation.js';
import { recordingResponse } from './recording.response.js';
import { refusalClosingConnection } from './refusal-closing-connection.js';

/** The raw-body route: the JSON body parser lets it through untouched (see server.ts). */
export const RECORDING_MEDIA_ROUTE = /^\/webrtc\/calls\/[^/]+\/recordings\/[^/]+\/media$/;

export function mediaType(header: string | undefined): RecordingContentType {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (!type || !(RECORDING_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new HttpError(
      415,
      'RECORDING.UNSUPPORTED_MEDIA_TYPE',
      `Send the recording as one of ${RECORDING_CONTENT_TYPES.join(', ')}`,
    );
  }
  return type as RecordingContentType;
}

/** A legal-hold route: admins only, answered 200 (a hold is set on the recording, not created). */
function LegalHoldRoute(method: typeof Post | typeof Delete, summary: string): MethodDecorator {
  return applyDecorators(
    method('legal-hold'),
    HttpCode(200),
    Roles('admin'),
    ApiOperation({ summary }),
  );
}

/** The recording's media (upload, download) and its legal hold. */
@ApiTags('recordings')
@ApiBearerAuth()
@Controller('webrtc/calls/:id/recordings/:recordingId')
export class RecordingMediaController {
  constructor(
    private readonly commands: CommandBus,
    private readonly calls: CallCommands,
    private readonly queries: QueryBus,
    @Inject(RECORDING_SETTINGS) private readonly settings: RecordingSettings,
  ) {}

  @Put('media')
  @Roles('provider', 'patient')
  @ApiOperation({
    summary: 'Upload the stopped recording in one request (raw body, e.g. video/webm), once',
    description:
      'For small recordings. Large ones, or uploads over unreliable networks, use the resumable ' +
      'upload (POST media/uploads). 409 RECORDING.UPLOAD_IN_PROGRESS while another upload runs.',
  })
  async upload(
    @Param(recordingRoute) { callId: id, recordingId }: RecordingRoute,
    @CurrentRequester() { actor, context }: Requester,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const contentType = mediaType(request.headers['content-type']);
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > this.settings.maxBytes) {
      throw this.tooLarge();
    }
    try {
      const result: CallCommandResult = await this.commands.execute(
        new UploadRecordingMediaCommand(id, actor, context, recordingId, contentType, request),
      );
      return recordingResponse(response, result, recordingId);
    } catch (error) {
      if (error instanceof RecordingTooLargeError) {
        throw refusalClosingConnection(response, this.tooLarge());
      }
      throw error;
    }
  }

  @Get('media')
  @Roles('provider', 'patient', 'auditor', 'admin', 'analyst')
  @RateLimitedPerUser('mediaDownloads')
  @ApiOperation({ summary: 'Stream the decrypted recording (Range supported; audited)' })
  async download(
    @Param(recordingRoute) { callId: id, recordingId }: RecordingRoute,
    @CurrentRequester() { actor, context }: Requester,
    @Headers('range') range: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    let download;
    try {
      download = await this.queries.execute(
        new DownloadRecordingMediaQuery(actor, id, recordingId, context, range ?? null),
      );
    } catch (error) {
      if (error instanceof RangeNotSatisfiableError) {
        response.setHeader('Content-Range', `bytes */${error.sizeBytes}`);
        throw new HttpError(416, error.code, error.message);
      }
      throw error;
    }
    const chunks = download.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let first: IteratorResult<Buffer>;
    try {
      // Nothing is sent until the first chunk proved authentic: a bad file gets a JSON error.
      first = await chunks.next();
    } catch (error) {
      download.body.destroy();
      if (error instanceof RecordingIntegrityError) {
        throw new HttpError(500, error.code, error.message, { problem: error.problem });
      }
      throw error;
    }
    const { range: slice, sizeBytes } = download;
    response.status(slice ? 206 : 200);
    response.setHeader('Content-Type', download.contentType);
    response.setHeader('Content-Length', String(slice ? slice.end - slice.start + 1 : sizeBytes));
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-SHA256', download.sha256);
    if (slice)
      response.setHeader('Content-Range', `bytes ${slice.start}-${slice.end}/${sizeBytes}`);
    const length = slice ? slice.end - slice.start + 1 : sizeBytes;
    try {
      let sent = 0;
      for (let next = first; !next.done; next = await chunks.next()) {
        sent += next.value.length;
        if (!response.write(next.value)) await once(response, 'drain');
        // A range is complete once its bytes went out: stop reading the rest of the file.
        if (slice && sent >= length) break;
      }
      download.body.destroy();
      response.end();
    } catch {
      // A later chunk failed its check (or the client left): cut the connection, so the client
      // sees a broken transfer and never receives bytes that were not authenticated.
      download.body.destroy();
      response.destroy();
    }
  }

  @LegalHoldRoute(Post, 'Place the recording under legal hold (admins): it is never purged')
  setHold(
    @Param(recordingRoute) { callId: id, recordingId }: RecordingRoute,
    @CurrentRequester() { actor, context }: Requester,
    @Body(noFields) _body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.hold(response, id, recordingId, 'SetRecordingLegalHold', actor, context);
  }

  @LegalHoldRoute(Delete, 'Release the legal hold (admins)')
  releaseHold(
    @Param(recordingRoute) { callId: id, recordingId }: RecordingRoute,
    @CurrentRequester() { actor, context }: Requester,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.hold(response, id, recordingId, 'ReleaseRecordingLegalHold', actor, context);
  }

  private async hold(
    response: Response,
    callId: string,
    recordingId: string,
    type: 'SetRecordingLegalHold' | 'ReleaseRecordingLegalHold',
    actor: Actor,
    context: RequestContext,
  ) {
    const result = await this.calls.execute(
      callId,
      { type, data: { recordingId } },
      actor,
      context,
    );
    return recordingResponse(response, result, recordingId);
  }

  private tooLarge(): HttpError {
    return new HttpError(
      413,
      'RECORDING.TOO_LARGE',
      `The recording exceeds the limit of ${this.settings.maxBytes} bytes`,
    );
  }
}
