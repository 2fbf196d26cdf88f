import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { UpdateMediaCommand } from './update-media.command.js';

@CommandHandler(UpdateMediaCommand)
export class UpdateMediaHandler implements ICommandHandler<UpdateMediaCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: UpdateMediaCommand): Promise<CallCommandResult> {
    const { video, audio, screenShare } = command.change;
    return this.calls.execute(
      command.callId,
      'UpdateMedia',
      {
        ...(video !== undefined ? { video } : {}),
        ...(audio !== undefined ? { audio } : {}),
        ...(screenShare !== undefined ? { screenShare } : {}),
      },
      command.actor,
      command.envelope,
    );
  }
}
