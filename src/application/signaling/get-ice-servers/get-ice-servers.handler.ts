import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import { isCallParty } from '../../../domain/call/call.parties.js';
import { CallCommands } from '../../call/call-commands.js';
import { ICE_SERVER_SOURCES, type IceServerSources } from '../ice-servers.port.js';
import {
  GetIceServersQuery,
  type IceServer,
  type IceServersResult,
} from './get-ice-servers.query.js';

@QueryHandler(GetIceServersQuery)
export class GetIceServersHandler implements IQueryHandler<GetIceServersQuery> {
  constructor(
    private readonly calls: CallCommands,
    @Inject(ICE_SERVER_SOURCES) private readonly sources: IceServerSources,
  ) {}

  async execute(query: GetIceServersQuery): Promise<IceServersResult> {
    const { actor, callId } = query;
    const { settings, turnCredentials, liveCalls } = this.sources;
    const iceServers: IceServer[] = [];
    if (settings.stunUrls.length > 0) iceServers.push({ urls: [...settings.stunUrls] });
    const turnConfigured = settings.turnUrls.length > 0 && settings.turnSecret !== null;
    const live =
      callId !== null
        ? await this.inLiveCall(callId, actor.userId)
        : turnConfigured && (await liveCalls.hasLiveCall(actor.userId));
    if (live && turnConfigured) {
      iceServers.push({ urls: [...settings.turnUrls], ...turnCredentials.issue(actor.userId) });
    }
    return {
      iceServers,
      ttlSeconds: settings.turnTtlSeconds,
      iceTransportPolicy: settings.transportPolicy,
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
