import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { ExpireDisconnectedParticipantCommand } from './expire-disconnected-participant.command.js';

@CommandHandler(ExpireDisconnectedParticipantCommand)
export class ExpireDisconnectedParticipantHandler implements ICommandHandler<ExpireDisconnectedParticipantCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: ExpireDisconnectedParticipantCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'ExpireDisconnectedParticipant',
      { userId: command.userId, reconnectGraceSeconds: command.reconnectGraceSeconds },
      command.actor,
      command.envelope,
    );
  }
}
