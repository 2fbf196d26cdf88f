import type { Provider } from '@nestjs/common';
import type { Knex } from 'knex';
import { DisconnectParticipantHandler } from '../../application/call/commands/disconnect-participant/disconnect-participant.handler.js';
import { JoinCallHandler } from '../../application/call/commands/join-call/join-call.handler.js';
import { LeaveCallHandler } from '../../application/call/commands/leave-call/leave-call.handler.js';
import { ReconnectCallHandler } from '../../application/call/commands/reconnect-call/reconnect-call.handler.js';
import { RecordConnectionQualityHandler } from '../../application/call/commands/record-connection-quality/record-connection-quality.handler.js';
import { UpdateMediaHandler } from '../../application/call/commands/update-media/update-media.handler.js';
import type { Clock } from '../../application/ports/clock.port.js';
import { GetIceServersHandler } from '../../application/signaling/get-ice-servers/get-ice-servers.handler.js';
import {
  ICE_SETTINGS,
  LIVE_CALL_FINDER,
  TURN_CREDENTIALS,
  type IceSettings,
} from '../../application/signaling/ice-servers.port.js';
import { HmacTurnCredentials } from '../../infrastructure/ice/hmac-turn-credentials.adapter.js';
import { KnexLiveCallFinder } from '../../infrastructure/ice/knex-live-call-finder.adapter.js';
import { IceServersController } from '../http/ice/ice-servers.controller.js';
import { SIGNALING_SETTINGS, type SignalingSettings } from './signaling-settings.js';
import { WebRtcGateway } from './webrtc.gateway.js';

/** What the signaling part of the app needs from start-up. */
export interface SignalingRuntime {
  readonly settings: SignalingSettings;
  readonly ice: IceSettings;
}

/** The socket.io gateway, its use cases and GET /webrtc/ice-servers, for AppModule. */
export function signalingProviders(
  runtime: SignalingRuntime,
  knex: Knex,
  clock: Clock,
): Provider[] {
  const { ice } = runtime;
  return [
    { provide: SIGNALING_SETTINGS, useValue: runtime.settings },
    { provide: ICE_SETTINGS, useValue: ice },
    {
      provide: TURN_CREDENTIALS,
      useValue: new HmacTurnCredentials(ice.turnSecret, ice.turnTtlSeconds, clock),
    },
    { provide: LIVE_CALL_FINDER, useValue: new KnexLiveCallFinder(knex) },
    JoinCallHandler,
    LeaveCallHandler,
    ReconnectCallHandler,
    UpdateMediaHandler,
    DisconnectParticipantHandler,
    RecordConnectionQualityHandler,
    GetIceServersHandler,
    WebRtcGateway,
  ];
}

export const SIGNALING_CONTROLLERS = [IceServersController];
