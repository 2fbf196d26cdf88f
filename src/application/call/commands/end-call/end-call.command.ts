import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

export class EndCallCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly reason: string | null,
  ) {
    super(callId, actor, envelope);
  }
}
