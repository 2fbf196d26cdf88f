import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '../../../domain/shared/actor.js';
import {
  PartTooLargeError,
  RecordingTooLargeError,
} from '../../../application/recording/recording.errors.js';
import {
  ResumableRecordingUploads,
  type UploadProgress,
  type UploadTarget,
} from '../../../application/recording/resumable-upload/resumable-recording-uploads.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { noFields } from '../dto/empty.dto.js';
import { HttpError } from '../http-error.js';
import { recordingRoute, type RecordingRoute } from '../validation.js';
import { BeginRecordingUploadDto } from './begin-recording-upload.dto.js';
import { recordingResponse } from './recording.response.js';
import { refusalClosingConnection } from './refusal-closing-connection.js';

/** The part route takes a raw body: the JSON body parser lets it through untouched. */
export const RECORDING_PART_ROUTE =
  /^\/webrtc\/calls\/[^/]+\/recordings\/[^/]+\/media\/uploads\/[^/]+\/parts\/[^/]+$/;

/**
 * Resumable uploads of a recording's media (docs/architecture.md, "Recording uploads"): begin,
 * send fixed-size parts in any order (each its own short request, retried as often as needed),
 * ask what arrived, complete. Only the completion appends to the ledger.
 */
@ApiTags('recordings')
@ApiBearerAuth()
@Controller('webrtc/calls/:id/recordings/:recordingId/media/uploads')
export class RecordingUploadsController {
  constructor(private readonly uploads: ResumableRecordingUploads) {}

  @Post()
  @Roles('provider', 'patient')
  @ApiOperation({
    summary: 'Begin a resumable upload of the stopped recording',
    description:
      'Answers the upload id, the part size and the part count. 409 RECORDING.UPLOAD_IN_PROGRESS ' +
      'while another upload of this recording runs (until its lease runs out).',
  })
  async begin(
    @Param(recordingRoute) route: RecordingRoute,
    @CurrentActor() actor: Actor,
    @Body() body: BeginRecordingUploadDto,
  ): Promise<UploadProgress> {
    try {
      return await this.uploads.begin(target(route, actor), body.contentType, body.sizeBytes);
    } catch (error) {
      if (error instanceof RecordingTooLargeError) {
        throw new HttpError(413, error.code, error.message, { maxBytes: error.maxBytes });
      }
      throw error;
    }
  }

  @Get(':uploadId')
  @Roles('provider', 'patient')
  @ApiOperation({ summary: 'Which parts arrived, and the contiguous offset to resume from' })
  status(
    @Param(recordingRoute) route: RecordingRoute,
    @Param('uploadId') uploadId: string,
    @CurrentActor() actor: Actor,
  ): Promise<UploadProgress> {
    return this.uploads.status(target(route, actor), uploadId);
  }

  @Put(':uploadId/parts/:part')
  @Roles('provider', 'patient')
  @ApiOperation({
    summary: 'Store part n (raw body) with Content-Range: bytes start-end/size',
    description:
      'Part n covers plaintext bytes [n x partBytes, min((n+1) x partBytes, size)); sending it ' +
      'again replaces it. 400 RECORDING.PART_OUT_OF_RANGE, 400 RECORDING.CONTENT_RANGE_MISMATCH, ' +
      '413 RECORDING.PART_TOO_LARGE; nothing is kept of a refused part.',
  })
  async putPart(
    @Param(recordingRoute) route: RecordingRoute,
    @Param('uploadId') uploadId: string,
    @Param('part') part: string,
    @CurrentActor() actor: Actor,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UploadProgress> {
    try {
      return await this.uploads.putPart(target(route, actor), uploadId, {
        part,
        contentRange: request.headers['content-range'],
        contentLength: request.headers['content-length'],
        body: request,
      });
    } catch (error) {
      if (error instanceof PartTooLargeError) {
        throw refusalClosingConnection(
          response,
          new HttpError(413, error.code, error.message, { partBytes: error.partBytes }),
        );
      }
      throw error;
    }
  }

  @Post(':uploadId/complete')
  @HttpCode(200)
  @Roles('provider', 'patient')
  @ApiOperation({
    summary: 'Assemble the parts into the sealed recording and append RecordingUploaded',
    description: '409 RECORDING.UPLOAD_INCOMPLETE (with missingParts) while parts are missing.',
  })
  async complete(
    @Param(recordingRoute) route: RecordingRoute,
    @Param('uploadId') uploadId: string,
    @CurrentRequester() { actor, context }: Requester,
    @Body(noFields) _body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.uploads.complete(target(route, actor), uploadId, context);
    return recordingResponse(response, result, route.recordingId);
  }

  @Delete(':uploadId')
  @HttpCode(204)
  @Roles('provider', 'patient')
  @ApiOperation({ summary: 'Abandon the upload: its parts are deleted and the recording freed' })
  async abort(
    @Param(recordingRoute) route: RecordingRoute,
    @Param('uploadId') uploadId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.uploads.abort(target(route, actor), uploadId);
  }
}

function target({ callId, recordingId }: RecordingRoute, actor: Actor): UploadTarget {
  return { callId, recordingId, actor };
}
