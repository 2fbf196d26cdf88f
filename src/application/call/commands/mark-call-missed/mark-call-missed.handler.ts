import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { MarkCallMissedCommand } from './mark-call-missed.command.js';

@CommandHandler(MarkCallMissedCommand)
export class MarkCallMissedHandler implements ICommandHandler<MarkCallMissedCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: MarkCallMissedCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'MarkCallMissed',
      { ringTimeoutSeconds: command.ringTimeoutSeconds },
      command.actor,
      command.envelope,
    );
  }
}
