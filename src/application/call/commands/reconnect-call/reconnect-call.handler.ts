import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { callDecider } from '../../../../domain/call/call.decider.js';
import { resumesInPlace } from '../../../../domain/call/call.presence.js';
import { CALL_POLICY, type CallPolicy } from '../../call-policy.js';
import { CallCommands } from '../../call-commands.js';
import { ReconnectCallCommand, type ReconnectCallResult } from './reconnect-call.command.js';

/**
 * A DISCONNECTED participant within the grace period is reconnected (ParticipantReconnected); one
 * the call still has in the room resumes in place (see `resumesInPlace`). Everything else is the
 * decider's answer (grace expired, left, call finished). Both are decided on the one load.
 */
@CommandHandler(ReconnectCallCommand)
export class ReconnectCallHandler implements ICommandHandler<ReconnectCallCommand> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(CALL_POLICY) private readonly policy: CallPolicy,
  ) {}

  async execute(command: ReconnectCallCommand): Promise<ReconnectCallResult> {
    const { callId, actor, context } = command;
    let resumed = false;
    const result = await this.calls.decide(
      callId,
      'ReconnectParticipant',
      actor,
      context,
      (state, metadata) => {
        resumed = resumesInPlace(state, actor.userId);
        if (resumed) return [];
        return callDecider.decide(
          {
            type: 'ReconnectParticipant',
            data: { reconnectGraceSeconds: this.policy.reconnectGraceSeconds },
            metadata,
          },
          state,
        );
      },
    );
    return { ...result, resumed };
  }
}
