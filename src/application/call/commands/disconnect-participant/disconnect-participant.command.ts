import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

/**
 * The gateway lost a participant's socket without a `leave-call`: they are DISCONNECTED and the
 * reconnect-grace timer starts (scheduled from the event). Sent as the system.
 */
export class DisconnectParticipantCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly userId: string,
  ) {
    super(callId, actor, envelope);
  }
}
