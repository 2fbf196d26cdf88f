import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { EndCallCommand } from './end-call.command.js';

@CommandHandler(EndCallCommand)
export class EndCallHandler implements ICommandHandler<EndCallCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: EndCallCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'EndCall',
      { reason: command.reason },
      command.actor,
      command.envelope,
    );
  }
}
