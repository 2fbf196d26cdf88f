import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { StopRecordingCommand } from './stop-recording.command.js';

@CommandHandler(StopRecordingCommand)
export class StopRecordingHandler implements ICommandHandler<StopRecordingCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: StopRecordingCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'StopRecording',
      { recordingId: command.recordingId },
      command.actor,
      command.envelope,
    );
  }
}
