import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

/** The caller enters the call room (socket `join-call`): allowed while RINGING or IN_PROGRESS. */
export class JoinCallCommand extends CallUseCaseCommand {
  constructor(callId: string, actor: Actor, envelope: CommandEnvelope) {
    super(callId, actor, envelope);
  }
}
