import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

/** The caller leaves the call room (socket `leave-call`); the last one out ends the call. */
export class LeaveCallCommand extends CallUseCaseCommand {
  constructor(callId: string, actor: Actor, envelope: CommandEnvelope) {
    super(callId, actor, envelope);
  }
}
