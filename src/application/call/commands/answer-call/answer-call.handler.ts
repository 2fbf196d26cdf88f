import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { AnswerCallCommand } from './answer-call.command.js';

@CommandHandler(AnswerCallCommand)
export class AnswerCallHandler implements ICommandHandler<AnswerCallCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: AnswerCallCommand): Promise<CallCommandResult> {
    return this.calls.execute(command.callId, 'AnswerCall', {}, command.actor, command.envelope);
  }
}
