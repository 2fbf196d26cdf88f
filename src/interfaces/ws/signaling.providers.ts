import type { Provider } from '@nestjs/common';
import {
  ICE_SETTINGS,
  LIVE_CALL_FINDER,
  TURN_CREDENTIALS,
  type IceSettings,
  type LiveCallFinder,
  type TurnCredentialIssuer,
} from '../../application/signaling/ice-servers.port.js';
import { IceServersController } from '../http/ice/ice-servers.controller.js';
import { SIGNALING_SETTINGS, type SignalingSettings } from './signaling-settings.js';
import { WebRtcGateway } from './webrtc.gateway.js';

/** What the signaling part of the app is given by the composition root. */
export interface SignalingRuntime {
  readonly settings: SignalingSettings;
  readonly ice: IceSettings;
  readonly turnCredentials: TurnCredentialIssuer;
  readonly liveCalls: LiveCallFinder;
}

/** The socket.io gateway and the adapters behind GET /webrtc/ice-servers, for AppModule. */
export function signalingProviders(runtime: SignalingRuntime): Provider[] {
  return [
    { provide: SIGNALING_SETTINGS, useValue: runtime.settings },
    { provide: ICE_SETTINGS, useValue: runtime.ice },
    { provide: TURN_CREDENTIALS, useValue: runtime.turnCredentials },
    { provide: LIVE_CALL_FINDER, useValue: runtime.liveCalls },
    WebRtcGateway,
  ];
}

export const SIGNALING_CONTROLLERS = [IceServersController];
