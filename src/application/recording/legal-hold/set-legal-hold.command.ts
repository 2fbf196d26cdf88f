import type { Actor } from '../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../handle-command.js';
import { CallUseCaseCommand } from '../../call/commands/call-command.base.js';

/** An admin sets (`hold`) or releases a recording's legal hold. */
export class SetLegalHoldCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly recordingId: string,
    readonly hold: boolean,
  ) {
    super(callId, actor, envelope);
  }
}
