import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

/** The caller's own recording consent: given (true) or withdrawn (false). */
export class RecordConsentCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly consented: boolean,
  ) {
    super(callId, actor, envelope);
  }
}
