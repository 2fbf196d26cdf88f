import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { LiveConnections } from '../../application/ports/live-connections.port.js';
import { userRoom } from './rooms.js';
import type { SignalingNamespace } from './signaling-socket.js';

export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/**
 * Ends sockets of the /webrtc namespace by room, on every instance (through the Redis adapter
 * when there is one): each is told `session-ended {code}`, then disconnected. It shares the
 * signaling gateway's namespace and has no handlers of its own.
 */
@WebSocketGateway({ namespace: '/webrtc' })
export class SocketLiveConnections implements LiveConnections {
  @WebSocketServer() private readonly namespace!: SignalingNamespace;

  async endSessions(sessionIds: readonly string[], code: string): Promise<void> {
    if (sessionIds.length === 0) return;
    this.end(sessionIds.map(sessionRoom), code);
  }

  async endUser(userId: string, code: string): Promise<void> {
    this.end([userRoom(userId)], code);
  }

  private end(rooms: string[], code: string): void {
    this.namespace.to(rooms).emit('session-ended', { code });
    this.namespace.in(rooms).disconnectSockets(true);
  }
}
