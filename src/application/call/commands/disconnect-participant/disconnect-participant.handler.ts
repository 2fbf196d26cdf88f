import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { DisconnectParticipantCommand } from './disconnect-participant.command.js';

@CommandHandler(DisconnectParticipantCommand)
export class DisconnectParticipantHandler implements ICommandHandler<DisconnectParticipantCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: DisconnectParticipantCommand): Promise<CallCommandResult> {
    return this.calls.execute(
      command.callId,
      'DisconnectParticipant',
      { userId: command.userId },
      command.actor,
      command.envelope,
    );
  }
}
