import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

export class ExpireDisconnectedParticipantCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly userId: string,
    readonly reconnectGraceSeconds: number,
  ) {
    super(callId, actor, envelope);
  }
}
