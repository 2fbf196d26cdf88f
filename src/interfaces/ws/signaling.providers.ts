import type { Provider } from '@nestjs/common';
import {
  ICE_SERVER_SOURCES,
  type IceServerSources,
} from '../../application/signaling/ice-servers.port.js';
import { CallCommands } from '../../application/call/call-commands.js';
import { LIVE_CONNECTIONS } from '../../application/ports/live-connections.port.js';
import type { PresenceLeases } from '../../application/ports/presence-leases.port.js';
import { PresenceKeeper } from '../../application/presence/presence-keeper.js';
import type { PresenceLogger } from '../../application/presence/presence-logger.js';
import type { PresenceSettings } from '../../application/presence/presence-settings.js';
import { IceServersController } from '../http/ice/ice-servers.controller.js';
import { SIGNALING_SETTINGS, type SignalingSettings } from './signaling-settings.js';
import { SocketLiveConnections } from './socket-live-connections.js';
import { WebRtcGateway } from './webrtc.gateway.js';

/** What the signaling part of the app is given by the composition root. */
export interface SignalingRuntime {
  readonly settings: SignalingSettings;
  readonly iceServers: IceServerSources;
  /** The leases of the participants whose sockets this instance holds. */
  readonly presence: {
    readonly leases: PresenceLeases;
    readonly settings: PresenceSettings;
    /** This process among the instances sharing the database. */
    readonly instanceId: string;
    readonly logger: PresenceLogger;
  };
}

/**
 * The socket.io gateway, the adapters behind GET /webrtc/ice-servers, LIVE_CONNECTIONS (the
 * sockets of a session or user, ended at logout and deactivation) and the presence keeper of the
 * gateway's sockets, for AppModule.
 */
export function signalingProviders(runtime: SignalingRuntime): Provider[] {
  return [
    { provide: SIGNALING_SETTINGS, useValue: runtime.settings },
    { provide: ICE_SERVER_SOURCES, useValue: runtime.iceServers },
    {
      provide: PresenceKeeper,
      useFactory: (calls: CallCommands) =>
        new PresenceKeeper(
          runtime.presence.leases,
          calls,
          runtime.presence.instanceId,
          runtime.presence.settings,
          runtime.presence.logger,
        ),
      inject: [CallCommands],
    },
    WebRtcGateway,
    SocketLiveConnections,
    { provide: LIVE_CONNECTIONS, useExisting: SocketLiveConnections },
  ];
}

export const SIGNALING_CONTROLLERS = [IceServersController];
