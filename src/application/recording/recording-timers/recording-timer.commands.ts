import { SYSTEM_ACTOR } from '../../../domain/shared/actor.js';
import { CallUseCaseCommand } from '../../call/commands/call-command.base.js';

/** The upload-timeout timer: a recording still STOPPED fails with `upload_timeout`. */
export class FailRecordingUploadCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    readonly recordingId: string,
    correlationId: string,
  ) {
    super(callId, SYSTEM_ACTOR, { correlationId, causationId: null });
  }
}

/** The retention timer: purge an expired recording unless it is under legal hold. */
export class PurgeRecordingCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    readonly recordingId: string,
    correlationId: string,
  ) {
    super(callId, SYSTEM_ACTOR, { correlationId, causationId: null });
  }
}
