import type { CommandBus } from '@nestjs/cqrs';
import type { CallCommands } from '../../../application/call/call-commands.js';
import type { RequestContext } from '../../../application/request-context.js';
import type { Actor } from '../../../domain/shared/actor.js';
import type { UserRateLimits } from '../../../application/rate-limits/user-rate-limits.js';
import type { QualityStatsRequester } from '../quality-stats-requester.js';
import { SignalError, type AckSuccess } from '../signal-error.js';
import type { CallMembership, SignalingNamespace, SignalingSocket } from '../signaling-socket.js';
import { callRoom } from '../rooms.js';

/** What a handler may use: the sender, the namespace, the call commands and the command bus. */
export interface SignalContext {
  readonly socket: SignalingSocket;
  readonly actor: Actor;
  readonly server: SignalingNamespace;
  readonly calls: CallCommands;
  readonly commands: CommandBus;
  readonly quality: QualityStatsRequester;
  /** Per-user limits across connections and instances (quality reports). */
  readonly limits: UserRateLimits;
  /** How often clients are asked to report their connection quality. */
  readonly qualityReportIntervalSeconds: number;
  /** A fresh request context for a command this message causes (correlation id, origin). */
  requestContext(): RequestContext;
  /** Makes `token` the connection's access token (same user); resolves with its expiry. */
  renewToken(token: string): Promise<Date>;
  /** The sender's presence lease in a call: held while this socket takes part, then released. */
  readonly presence: {
    /** Resolves once the lease is taken (or its first attempt failed and is being retried). */
    held(callId: string): Promise<void>;
    left(callId: string): void;
  };
}

/**
 * One client event: the class its payload must validate against, and what to do with it. The
 * answer becomes the ack; a thrown error becomes `{ ok: false, code, message }`.
 */
export interface SignalHandler<Payload extends object> {
  readonly payload: new () => Payload;
  handle(context: SignalContext, payload: Payload): AckSuccess | Promise<AckSuccess>;
}

export type AnySignalHandler = SignalHandler<object>;

export function defineHandler<Payload extends object>(
  handler: SignalHandler<Payload>,
): AnySignalHandler {
  return handler as unknown as AnySignalHandler;
}

/** The call as this socket joined it; SIGNAL.NOT_IN_CALL otherwise. */
export function requireInCall(socket: SignalingSocket, callId: string): CallMembership {
  const membership = Object.hasOwn(socket.data.calls, callId)
    ? socket.data.calls[callId]
    : undefined;
  if (!membership || !socket.rooms.has(callRoom(callId))) {
    throw new SignalError(
      'SIGNAL.NOT_IN_CALL',
      `This connection has not joined call ${callId}; send join-call (or reconnect-call) first`,
    );
  }
  return membership;
}
