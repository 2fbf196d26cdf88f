import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

export class AnswerCallCommand extends CallUseCaseCommand {
  constructor(callId: string, actor: Actor, envelope: CommandEnvelope) {
    super(callId, actor, envelope);
  }
}
