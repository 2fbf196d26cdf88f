import type { Readable } from 'node:stream';
import type { Actor } from '../../../domain/shared/actor.js';
import type { RecordingContentType } from '../../../domain/call/call.values.js';
import type { CommandEnvelope } from '../../handle-command.js';
import { CallUseCaseCommand } from '../../call/commands/call-command.base.js';

/** The provider's recorded media, streamed in: encrypted and stored, then COMPLETED. */
export class UploadRecordingMediaCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly recordingId: string,
    readonly contentType: RecordingContentType,
    readonly body: Readable,
  ) {
    super(callId, actor, envelope);
  }
}
