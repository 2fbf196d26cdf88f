import type { Provider } from '@nestjs/common';
import {
  ICE_SERVER_SOURCES,
  type IceServerSources,
} from '../../application/signaling/ice-servers.port.js';
import { LIVE_CONNECTIONS } from '../../application/ports/live-connections.port.js';
import { IceServersController } from '../http/ice/ice-servers.controller.js';
import { SIGNALING_SETTINGS, type SignalingSettings } from './signaling-settings.js';
import { SocketLiveConnections } from './socket-live-connections.js';
import { WebRtcGateway } from './webrtc.gateway.js';

/** What the signaling part of the app is given by the composition root. */
export interface SignalingRuntime {
  readonly settings: SignalingSettings;
  readonly iceServers: IceServerSources;
}

/**
 * The socket.io gateway, the adapters behind GET /webrtc/ice-servers, and LIVE_CONNECTIONS (the
 * sockets of a session or user, ended at logout and deactivation), for AppModule.
 */
export function signalingProviders(runtime: SignalingRuntime): Provider[] {
  return [
    { provide: SIGNALING_SETTINGS, useValue: runtime.settings },
    { provide: ICE_SERVER_SOURCES, useValue: runtime.iceServers },
    WebRtcGateway,
    SocketLiveConnections,
    { provide: LIVE_CONNECTIONS, useExisting: SocketLiveConnections },
  ];
}

export const SIGNALING_CONTROLLERS = [IceServersController];
