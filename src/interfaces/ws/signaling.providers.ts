import type { Provider } from '@nestjs/common';
import type { Knex } from 'knex';
import type { Clock } from '../../application/ports/clock.port.js';
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

/** The socket.io gateway and the adapters behind GET /webrtc/ice-servers, for AppModule. */
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
    WebRtcGateway,
  ];
}

export const SIGNALING_CONTROLLERS = [IceServersController];
