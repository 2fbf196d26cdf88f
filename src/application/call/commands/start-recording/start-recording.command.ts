import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { RequestContext } from '../../../request-context.js';
import type { CallCommandResult } from '../../call-command.result.js';

export interface StartRecordingResult extends CallCommandResult {
  readonly recordingId: string;
}

export class StartRecordingCommand extends Command<StartRecordingResult> {
  constructor(
    readonly callId: string,
    readonly actor: Actor,
    readonly context: RequestContext,
  ) {
    super();
  }
}
