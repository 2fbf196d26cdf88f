import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { DeclineCallCommand } from './decline-call.command.js';

@CommandHandler(DeclineCallCommand)
export class DeclineCallHandler implements ICommandHandler<DeclineCallCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: DeclineCallCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'DeclineCall',
      { reason: command.reason },
      command.actor,
      command.envelope,
    );
  }
}
