import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallLedger } from '../../call-ledger.js';
import type { CallCommandResult } from '../../call-command.result.js';
import { RecordConsentCommand } from './record-consent.command.js';

@CommandHandler(RecordConsentCommand)
export class RecordConsentHandler implements ICommandHandler<RecordConsentCommand> {
  constructor(private readonly calls: CallLedger) {}

  execute(command: RecordConsentCommand): Promise<CallCommandResult> {
    const type = command.consented ? 'GiveRecordingConsent' : 'WithdrawRecordingConsent';
    return this.calls.execute(command.callId, type, {}, command.actor, command.envelope);
  }
}
