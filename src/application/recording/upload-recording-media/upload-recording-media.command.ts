import type { Readable } from 'node:stream';
import type { Actor } from '../../../domain/shared/actor.js';
import type { RecordingContentType } from '../../../domain/call/call.values.js';
import type { RequestContext } from '../../request-context.js';
import { Command } from '@nestjs/cqrs';
import type { CallCommandResult } from '../../call/call-command.result.js';

/** The provider's recorded media, streamed in: encrypted and stored, then COMPLETED. */
export class UploadRecordingMediaCommand extends Command<CallCommandResult> {
  constructor(
    readonly callId: string,
    readonly actor: Actor,
    readonly context: RequestContext,
    readonly recordingId: string,
    readonly contentType: RecordingContentType,
    readonly body: Readable,
  ) {
    super();
  }
}
