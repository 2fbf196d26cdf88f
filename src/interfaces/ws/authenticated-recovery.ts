import type { SignalingNamespace, SignalingSocket } from './signaling-socket.js';

type Adapter = SignalingNamespace['adapter'];
type RecoveredSession = Awaited<ReturnType<Adapter['restoreSession']>>;
type MissedPacket = RecoveredSession['missedPackets'][number];

/** The part of a socket that writes a packet as is (what socket.io itself uses to replay). */
interface PacketWriter {
  packet(packet: { type: number; data: unknown[] }): void;
}

/** socket.io-parser's EVENT packet type. */
const EVENT_PACKET = 2;

/**
 * Connection state recovery that gives a reconnecting socket its missed packets only once it has
 * authenticated again, as the user it was before.
 *
 * socket.io restores a session (its rooms, data and the packets it missed) while it creates the
 * socket, and writes the missed packets to the connection there and then: before any middleware,
 * the authentication included, has run. Here the adapter's restore hands socket.io the session
 * without its missed packets; they wait until the gateway says the socket authenticated
 * (`admitted`) and are replayed once it is connected (`replay`), or are dropped (`refused`).
 * Until it is connected a socket receives no broadcast, so the rooms it gets back early carry
 * nothing to it in the meantime.
 */
export class AuthenticatedRecovery {
  /** By socket id, between the restore and the authentication (the middleware always runs). */
  private readonly pending = new Map<string, MissedPacket[]>();
  /** Authenticated, not yet connected. */
  private readonly admittedSockets = new WeakMap<SignalingSocket, MissedPacket[]>();

  install(namespace: SignalingNamespace): void {
    const adapter = namespace.adapter;
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (!session) return session;
      this.pending.set(session.sid, session.missedPackets);
      return { ...session, missedPackets: [] };
    };
  }

  /** The socket authenticated as the user of its recovered session: it will get its packets. */
  admitted(socket: SignalingSocket): void {
    const packets = this.pending.get(socket.id);
    this.pending.delete(socket.id);
    if (packets && packets.length > 0) this.admittedSockets.set(socket, packets);
  }

  /** Authentication failed, or named someone else: the missed packets are never sent. */
  refused(socket: SignalingSocket): void {
    this.pending.delete(socket.id);
    this.admittedSockets.delete(socket);
  }

  /** Once connected: the missed packets, in order, as socket.io would have sent them. */
  replay(socket: SignalingSocket): void {
    const packets = this.admittedSockets.get(socket);
    if (!packets) return;
    this.admittedSockets.delete(socket);
    // `packet` is socket.io's internal writer (not in its typings); it is what it replays with.
    const writer = socket as unknown as PacketWriter;
    for (const data of packets) writer.packet({ type: EVENT_PACKET, data });
  }
}
