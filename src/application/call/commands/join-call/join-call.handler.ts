import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { JoinCallCommand } from './join-call.command.js';

@CommandHandler(JoinCallCommand)
export class JoinCallHandler implements ICommandHandler<JoinCallCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: JoinCallCommand): Promise<CallCommandResult> {
    return this.calls.execute(command.callId, 'JoinCall', {}, command.actor, command.envelope);
  }
}
