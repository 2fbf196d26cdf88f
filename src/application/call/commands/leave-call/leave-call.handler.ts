import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { LeaveCallCommand } from './leave-call.command.js';

@CommandHandler(LeaveCallCommand)
export class LeaveCallHandler implements ICommandHandler<LeaveCallCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: LeaveCallCommand): Promise<CallCommandResult> {
    return this.calls.execute(command.callId, 'LeaveCall', {}, command.actor, command.envelope);
  }
}
