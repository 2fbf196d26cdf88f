import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import { isCallParty } from '../../../domain/call/call.parties.js';
import { CallCommands } from '../../call/call-commands.js';
import {
  ICE_SETTINGS,
  LIVE_CALL_FINDER,
  TURN_CREDENTIALS,
  type IceSettings,
  type LiveCallFinder,
  type TurnCredentialIssuer,
} from '../ice-servers.port.js';
import {
  GetIceServersQuery,
  type IceServer,
  type IceServersResult,
} from './get-ice-servers.query.js';

@QueryHandler(GetIceServersQuery)
export class GetIceServersHandler implements IQueryHandler<GetIceServersQuery> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(ICE_SETTINGS) private readonly settings: IceSettings,
    @Inject(TURN_CREDENTIALS) private readonly turn: TurnCredentialIssuer,
    @Inject(LIVE_CALL_FINDER) private readonly liveCalls: LiveCallFinder,
  ) {}

  async execute(query: GetIceServersQuery): Promise<IceServersResult> {
    const { actor, callId } = query;
    const iceServers: IceServer[] = [];
    if (this.settings.stunUrls.length > 0) iceServers.push({ urls: [...this.settings.stunUrls] });
    const turnConfigured = this.settings.turnUrls.length > 0 && this.settings.turnSecret !== null;
    const live =
      callId !== null
        ? await this.inLiveCall(callId, actor.userId)
        : turnConfigured && (await this.liveCalls.hasLiveCall(actor.userId));
    if (live && turnConfigured) {
      iceServers.push({ urls: [...this.settings.turnUrls], ...this.turn.issue(actor.userId) });
    }
    return {
      iceServers,
      ttlSeconds: this.settings.turnTtlSeconds,
      iceTransportPolicy: this.settings.transportPolicy,
    };
  }

  /** Strangers to the call get 404, like everywhere else. */
  private async inLiveCall(callId: string, userId: string): Promise<boolean> {
    const { state } = await this.calls.load(callId);
    if (state.status === 'NONE' || !isCallParty(state, userId)) {
      throw new CallNotFoundError(callId);
    }
    return state.status === 'RINGING' || state.status === 'IN_PROGRESS';
  }
}
