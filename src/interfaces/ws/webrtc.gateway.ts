import { randomUUID } from 'node:crypto';
import {
  Inject,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { AccessDenialAudit } from '../../application/audit/access-denial-audit.js';
import { CallCommands } from '../../application/call/call-commands.js';
import { PresenceKeeper } from '../../application/presence/presence-keeper.js';
import { UserRateLimits } from '../../application/rate-limits/user-rate-limits.js';
import type { RequestContext } from '../../application/request-context.js';
import { SESSION_STATUS, type SessionStatus } from '../../application/ports/session-status.port.js';
import { TOKEN_ISSUER, type TokenIssuer } from '../../application/ports/token-issuer.port.js';
import type {
  NotificationEvent,
  NotificationTarget,
  SignalingEmitter,
} from '../../application/signaling/signaling-emitter.port.js';
import type { JsonObject } from '../../domain/shared/event.js';
import { AuthenticatedRecovery } from './authenticated-recovery.js';
import {
  isCallDeparture,
  isRelayedNotification,
  LEAVE_CALL_HERE,
  NOTIFY_HERE,
  type CallDeparture,
  type RelayedNotification,
} from './instance-relay.js';
import { SIGNAL_HANDLERS } from './handlers/registry.js';
import type { SignalContext } from './handlers/signal-handler.js';
import { validatePayload } from './payloads/validate-payload.js';
import { ClientAddresses } from '../http/client-addresses.js';
import { QualityStatsRequester } from './quality-stats-requester.js';
import { TokenBucket } from './rate-limiter.js';
import {
  callIdsOf,
  callRoom,
  callUserRoom,
  sessionRoom,
  sessionRoomsOf,
  userRoom,
} from './rooms.js';
import { ackFailure, SignalError, type AckBody } from './signal-error.js';
import { SIGNALING_SETTINGS, type SignalingSettings } from './signaling-settings.js';
import { socketAccessDenial } from './socket-access-denial.js';
import type { SignalingNamespace, SignalingSocket } from './signaling-socket.js';
import { SocketAccess, type SocketToken } from './socket-access.js';
import { TokenExpiryTimers } from './token-expiry-timers.js';
import {
  OUTAGE_DETECTOR,
  type OutageDetector,
} from '../../application/ports/outage-detector.port.js';

type HandshakeError = Error & { data: { code: string; message: string } };

function handshakeError(code: string, message: string): HandshakeError {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * The signaling gateway, socket.io namespace /webrtc (docs/architecture.md, "Signaling").
 *
 * - Handshake: the JWT in `auth.token`, else `connect_error` with `data.code` AUTH.*. Each socket
 *   joins `user:<id>`, and `session:<id>` when its token names a login session.
 * - The token's expiry is kept: at expiry the socket hears `auth-expired` and is disconnected,
 *   unless `refresh-token` gave it a newer token of the same user first.
 * - With connection state recovery, a reconnecting socket gets its missed packets only after it
 *   authenticated again as the same user (AuthenticatedRecovery).
 * - Client events go through one path: per-socket rate limit, the handler registry
 *   (handlers/registry.ts), class-validator payloads, then the ack `{ ok: true, ... }` or
 *   `{ ok: false, code, message }`, or an `error` event when the client sent no ack callback.
 * - Server notifications come from the ledger (LedgerNotifier, active on one instance at a
 *   time): this class is their SignalingEmitter. It sends them to its own sockets, and through
 *   the adapter to the other instances, which send them to theirs (instance-relay.ts).
 * - A participant in a call over one of its sockets holds a presence lease, which this instance
 *   renews (PresenceKeeper). A socket that drops while in a call records the participant as
 *   disconnected, retried until it is recorded, and only then releases the lease.
 */
@WebSocketGateway({ namespace: '/webrtc' })
export class WebRtcGateway
  implements
    OnGatewayInit<SignalingNamespace>,
    OnGatewayConnection<SignalingSocket>,
    OnApplicationBootstrap,
    OnApplicationShutdown,
    SignalingEmitter
{
  @WebSocketServer() private readonly server!: SignalingNamespace;

  private readonly logger = new Logger('WebRtcGateway');
  /** Per socket: its rate limit and its handler context (made once, not per message). */
  private readonly sessions = new WeakMap<
    SignalingSocket,
    { bucket: TokenBucket; context: SignalContext }
  >();
  private readonly quality: QualityStatsRequester;
  private readonly access: SocketAccess;
  private readonly expiry = new TokenExpiryTimers((socket) => this.expire(socket));
  private readonly recovery = new AuthenticatedRecovery();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly commands: CommandBus,
    private readonly calls: CallCommands,
    @Inject(TOKEN_ISSUER) tokens: TokenIssuer,
    @Inject(SIGNALING_SETTINGS) private readonly settings: SignalingSettings,
    private readonly denials: AccessDenialAudit,
    @Optional() @Inject(SESSION_STATUS) sessions: SessionStatus | null = null,
    private readonly clientAddresses: ClientAddresses,
    private readonly limits: UserRateLimits,
    @Inject(OUTAGE_DETECTOR) private readonly outages: OutageDetector,
    private readonly presence: PresenceKeeper,
  ) {
    this.quality = new QualityStatsRequester(settings.qualityReportIntervalSeconds * 1000);
    this.access = new SocketAccess(tokens, sessions ?? null);
  }

  /** The /webrtc namespace once socket.io runs (for LiveConnections); null before. */
  get namespace(): SignalingNamespace | null {
    return this.server ?? null;
  }

  afterInit(server: SignalingNamespace): void {
    this.recovery.install(server);
    server.on(NOTIFY_HERE, (notification: unknown) => {
      if (isRelayedNotification(notification)) this.emitHere(notification);
    });
    server.on(LEAVE_CALL_HERE, (departure: unknown) => {
      if (isCallDeparture(departure)) this.leaveCallHere(departure);
    });
    server.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          this.recovery.refused(socket);
          next(
            error instanceof SignalError
              ? handshakeError(error.code, error.message)
              : handshakeError('AUTH.UNAVAILABLE', 'Could not check the token; try again'),
          );
        },
      );
    });
  }

  handleConnection(socket: SignalingSocket): void {
    void socket.join(userRoom(socket.data.userId));
    this.enterSessionRoom(socket);
    this.recovery.replay(socket);
    this.sessions.set(socket, {
      bucket: new TokenBucket(this.settings.rateLimitPerSecond, this.settings.rateLimitBurst),
      context: this.context(socket),
    });
    socket.onAny((event: unknown, ...args: unknown[]) => this.dispatch(socket, event, args));
    socket.on('disconnecting', () => this.onDisconnecting(socket));
    socket.on('disconnect', () => this.expiry.clear(socket));
    // Last: a token at its very end expires at once, through the listeners above.
    this.expiry.arm(socket);
  }

  async onApplicationBootstrap(): Promise<void> {
    const intervalMs = this.settings.qualityReportIntervalSeconds * 1000;
    this.sweeper = setInterval(() => this.quality.sweep(this.server.sockets.values()), intervalMs);
    this.sweeper.unref();
    this.presence.start();
  }

  /** Runs after socket.io closed: lets the disconnects it caused reach the ledger. */
  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.presence.stop();
  }

  // --- SignalingEmitter: ledger-driven notifications, to the sockets of every instance --------
  // Each instance sends to its own sockets (instance-relay.ts): this one at once, the others when
  // the adapter carries the word to them, in the order it was given.

  emit(target: NotificationTarget, event: NotificationEvent, payload: JsonObject): void {
    const notification: RelayedNotification = { target, event, payload };
    this.emitHere(notification);
    if (this.settings.clustered) this.server.serverSideEmit(NOTIFY_HERE, notification);
  }

  leaveCall(callId: string, userId: string | null, revision: number): void {
    const departure: CallDeparture = { callId, userId, revision };
    this.leaveCallHere(departure);
    if (this.settings.clustered) this.server.serverSideEmit(LEAVE_CALL_HERE, departure);
  }

  private emitHere({ target, event, payload }: RelayedNotification): void {
    if ('users' in target) {
      this.server.local.to(target.users.map(userRoom)).emit(event, payload);
      return;
    }
    let room = this.server.local.to(callRoom(target.call));
    if (target.exceptUsers.length > 0) room = room.except(target.exceptUsers.map(userRoom));
    room.emit(event, payload);
  }

  /** This instance's sockets; which of them leave depends on when each entered the call. */
  private leaveCallHere({ callId, userId, revision }: CallDeparture): void {
    const members = this.server.adapter.rooms.get(callRoom(callId));
    if (!members) return;
    for (const socketId of [...members]) {
      const socket = this.server.sockets.get(socketId);
      if (!socket || (userId !== null && socket.data.userId !== userId)) continue;
      const entered = Object.hasOwn(socket.data.calls, callId)
        ? socket.data.calls[callId]?.revision
        : undefined;
      if (entered !== undefined && entered >= revision) continue;
      const tookPart = socket.rooms.has(callUserRoom(callId, socket.data.userId));
      void socket.leave(callRoom(callId));
      void socket.leave(callUserRoom(callId, socket.data.userId));
      delete socket.data.calls[callId];
      if (tookPart) this.presence.left({ callId, userId: socket.data.userId, socketId: socket.id });
    }
  }

  // --- Client events ---------------------------------------------------------------------------

  private dispatch(socket: SignalingSocket, event: unknown, args: unknown[]): void {
    const name = typeof event === 'string' ? event : String(event);
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (args.pop() as (body: AckBody) => void) : null;
    const reply = (body: AckBody): void => {
      if (ack) ack(body);
      else if (!body.ok) {
        socket.emit('error', { event: name.slice(0, 64), code: body.code, message: body.message });
      }
    };
    const session = this.sessions.get(socket);
    if (!session?.bucket.take()) {
      reply({
        ok: false,
        code: 'SIGNAL.RATE_LIMITED',
        message: `Too many messages: at most ${this.settings.rateLimitBurst} at once and ${this.settings.rateLimitPerSecond} per second on one connection; slow down`,
      });
      return;
    }
    const handler = SIGNAL_HANDLERS.get(name);
    if (!handler) {
      reply({
        ok: false,
        code: 'SIGNAL.UNKNOWN_EVENT',
        message: `Unknown event; the /webrtc namespace accepts ${[...SIGNAL_HANDLERS.keys()].join(', ')}`,
      });
      return;
    }
    if (args.length !== 1) {
      reply({
        ok: false,
        code: 'SIGNAL.INVALID_PAYLOAD',
        message: `${name} takes exactly one payload object (and an optional ack callback)`,
      });
      return;
    }
    try {
      const payload = validatePayload(handler.payload, args[0]);
      const result = handler.handle(session.context, payload);
      if (result instanceof Promise) {
        result.then(reply, (error: unknown) =>
          this.recordDenial(session.context, name, payload, error).then(() =>
            reply(this.failure(name, error)),
          ),
        );
      } else {
        reply(result);
      }
    } catch (error) {
      reply(this.failure(name, error));
    }
  }

  private context(socket: SignalingSocket): SignalContext {
    const { userId, role, origin } = socket.data;
    return {
      socket,
      actor: { userId, role },
      server: this.server,
      calls: this.calls,
      commands: this.commands,
      quality: this.quality,
      limits: this.limits,
      qualityReportIntervalSeconds: this.settings.qualityReportIntervalSeconds,
      requestContext: (): RequestContext => ({
        correlationId: randomUUID(),
        causationId: null,
        origin,
      }),
      renewToken: (token) => this.renewToken(socket, token),
      presence: {
        held: (callId) => this.presence.held({ callId, userId, socketId: socket.id }),
        left: (callId) => this.presence.left({ callId, userId, socketId: socket.id }),
      },
    };
  }

  /** A refusal by the call is recorded before it is answered; if that fails, it is answered. */
  private async recordDenial(
    context: SignalContext,
    event: string,
    payload: object,
    error: unknown,
  ): Promise<void> {
    const denial = socketAccessDenial(context, event, payload, error);
    if (!denial) return;
    try {
      await this.denials.record(denial);
    } catch (failure) {
      this.logger.error(
        `access denial of socket event ${event.slice(0, 64)} (${denial.code}) not recorded: ${(failure as Error).name}`,
      );
    }
  }

  private failure(event: string, thrown: unknown): AckBody {
    const error = this.outages.retryLater(thrown) ?? thrown;
    const body = ackFailure(error);
    if (body.code === 'INTERNAL') {
      // Message only: payloads (SDP, candidates) and user data never reach the log.
      this.logger.error(`socket event ${event.slice(0, 64)} failed: ${(error as Error).message}`);
    }
    return body;
  }

  // --- Connection lifecycle --------------------------------------------------------------------

  private async authenticate(socket: SignalingSocket): Promise<void> {
    const auth: unknown = socket.handshake.auth;
    const token =
      typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>)['token'] : null;
    if (typeof token !== 'string' || token === '') {
      throw new SignalError(
        'AUTH.TOKEN_MISSING',
        'Send your access token in the handshake: io("/webrtc", { auth: { token } })',
      );
    }
    const claims = await this.access.admit(token);
    const userAgent = socket.handshake.headers['user-agent'];
    const ip = this.clientAddresses.of(
      socket.handshake.address,
      socket.handshake.headers['x-forwarded-for'],
    );
    // A recovered connection keeps its calls, rooms and missed packets only for the same user.
    const sameUser = socket.recovered && socket.data?.userId === claims.userId;
    if (sameUser) {
      this.recovery.admitted(socket);
    } else if (socket.recovered) {
      this.recovery.refused(socket);
      for (const room of [...socket.rooms]) if (room !== socket.id) void socket.leave(room);
    }
    socket.data = {
      userId: claims.userId,
      role: claims.role,
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt.getTime(),
      origin: {
        ...(ip ? { ip } : {}),
        ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}),
      },
      calls: sameUser ? socket.data.calls : {},
    };
  }

  /** refresh-token: the same user's newer token; the old one stands if it is refused. */
  private async renewToken(socket: SignalingSocket, token: string): Promise<Date> {
    const next: SocketToken = await this.access.renew(socket.data, token);
    if (!socket.connected) {
      throw new SignalError('AUTH.TOKEN_EXPIRED', 'This connection has already been closed');
    }
    socket.data.sessionId = next.sessionId;
    socket.data.expiresAt = next.expiresAt.getTime();
    this.enterSessionRoom(socket);
    this.expiry.arm(socket);
    return next.expiresAt;
  }

  /** In the room of the token's session, and in no other session's. */
  private enterSessionRoom(socket: SignalingSocket): void {
    const own = socket.data.sessionId === null ? null : sessionRoom(socket.data.sessionId);
    for (const room of sessionRoomsOf(socket.rooms)) if (room !== own) void socket.leave(room);
    if (own) void socket.join(own);
  }

  /** The token ran out with no refresh: say so, then close (recorded as any drop is). */
  private expire(socket: SignalingSocket): void {
    if (!socket.connected) return;
    // Local and at once: a broadcast through the cluster adapter would arrive after the close.
    this.server.local.to(socket.id).emit('auth-expired', {
      code: 'AUTH.TOKEN_EXPIRED',
      message: 'Your access token expired; log in again',
    });
    socket.disconnect(true);
  }

  /** While its rooms are still known: every call this socket took part in loses the participant. */
  private onDisconnecting(socket: SignalingSocket): void {
    const { userId } = socket.data;
    for (const callId of callIdsOf(socket.rooms)) {
      if (!socket.rooms.has(callUserRoom(callId, userId))) continue;
      this.presence.dropped({ callId, userId, socketId: socket.id });
    }
  }
}
