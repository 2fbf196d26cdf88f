import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { CancelCallCommand } from './cancel-call.command.js';

@CommandHandler(CancelCallCommand)
export class CancelCallHandler implements ICommandHandler<CancelCallCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: CancelCallCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'CancelCall',
      { reason: command.reason },
      command.actor,
      command.envelope,
    );
  }
}
