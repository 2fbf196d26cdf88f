import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../domain/shared/actor.js';

/** An RTCIceServer as the browser takes it. */
export interface IceServer {
  readonly urls: string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface IceServersResult {
  readonly iceServers: IceServer[];
  readonly ttlSeconds: number;
  /** The RTCConfiguration.iceTransportPolicy the browser must use (ICE_TRANSPORT_POLICY). */
  readonly iceTransportPolicy: 'all' | 'relay';
}

/**
 * The ICE servers for the caller's peer connection: STUN always, TURN with fresh credentials only
 * for a participant of a live call. `callId` names that call (checked against the ledger, so there
 * is no read-model lag); without it, any live call of the caller's counts.
 */
export class GetIceServersQuery extends Query<IceServersResult> {
  constructor(
    readonly actor: Actor,
    readonly callId: string | null,
  ) {
    super();
  }
}
