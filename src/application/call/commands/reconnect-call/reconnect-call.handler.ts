import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CallNotFoundError } from '../../../../domain/call/call.errors.js';
import { isFinished, participantOf } from '../../../../domain/call/call.state.js';
import { CALL_POLICY, type CallPolicy } from '../../call-policy.js';
import { CallLedger, isCallParty } from '../../call-ledger.js';
import { ReconnectCallCommand, type ReconnectCallResult } from './reconnect-call.command.js';

/**
 * A DISCONNECTED participant within the grace period is reconnected (ParticipantReconnected).
 * A participant the ledger still has in the room is simply resumed on the new socket: its old
 * socket dropped unnoticed (the server sees a dead socket only after the ping timeout), and the
 * new one must not be refused for being too quick. Everything else is the decider's answer
 * (grace expired, left, call finished).
 */
@CommandHandler(ReconnectCallCommand)
export class ReconnectCallHandler implements ICommandHandler<ReconnectCallCommand> {
  constructor(
    private readonly calls: CallLedger,
    @Inject(CALL_POLICY) private readonly policy: CallPolicy,
  ) {}

  async execute(command: ReconnectCallCommand): Promise<ReconnectCallResult> {
    const { callId, actor, envelope } = command;
    const loaded = await this.calls.load(callId);
    const { state } = loaded;
    if (actor.role !== 'system' && state.status !== 'NONE' && !isCallParty(state, actor.userId)) {
      throw new CallNotFoundError(callId);
    }
    if (state.status !== 'NONE' && !isFinished(state)) {
      const participant = participantOf(state, actor.userId);
      if (participant?.status === 'JOINING' || participant?.status === 'CONNECTED') {
        return { ...loaded, newEvents: [], resumed: true };
      }
    }
    const result = await this.calls.execute(
      callId,
      'ReconnectParticipant',
      { reconnectGraceSeconds: this.policy.reconnectGraceSeconds },
      actor,
      envelope,
    );
    return { ...result, resumed: false };
  }
}
