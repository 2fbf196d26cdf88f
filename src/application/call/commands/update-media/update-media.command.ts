import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import { CallUseCaseCommand } from '../call-command.base.js';

export interface MediaChange {
  readonly video?: boolean;
  readonly audio?: boolean;
  readonly screenShare?: boolean;
}

/** The caller's own camera, microphone or screen share changed; omitted flags stay as they are. */
export class UpdateMediaCommand extends CallUseCaseCommand {
  constructor(
    callId: string,
    actor: Actor,
    envelope: CommandEnvelope,
    readonly change: MediaChange,
  ) {
    super(callId, actor, envelope);
  }
}
