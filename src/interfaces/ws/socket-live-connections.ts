import { Injectable } from '@nestjs/common';
import type { LiveConnections } from '../../application/ports/live-connections.port.js';
import { sessionRoom, userRoom } from './rooms.js';
import { WebRtcGateway } from './webrtc.gateway.js';

/**
 * LiveConnections over the signaling sockets: each one is in `session:<id>` (when its token names
 * a session) and `user:<id>`, so ending is one broadcast and one disconnect per room, carried to
 * every instance by the socket.io adapter. The sockets hear `session-ended {code}` first; their
 * calls then record them as disconnected, as for any drop.
 */
@Injectable()
export class SocketLiveConnections implements LiveConnections {
  constructor(private readonly gateway: WebRtcGateway) {}

  async endSessions(sessionIds: readonly string[], code: string): Promise<void> {
    this.end(sessionIds.map(sessionRoom), code);
  }

  async endUser(userId: string, code: string): Promise<void> {
    this.end([userRoom(userId)], code);
  }

  private end(rooms: string[], code: string): void {
    const namespace = this.gateway.namespace;
    // Before socket.io runs there is no socket to end.
    if (!namespace || rooms.length === 0) return;
    // Both go out through the adapter in this order, so every instance sends the event before
    // it closes the socket.
    namespace.in(rooms).emit('session-ended', {
      code,
      message: 'This login session has ended; log in again',
    });
    namespace.in(rooms).disconnectSockets(true);
  }
}
