import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import type { RequestOrigin } from '../../application/ports/event-store.port.js';

/** Who a participant may signal to in a call they joined: the call's two parties. */
export interface CallMembership {
  readonly providerId: string;
  readonly patientId: string;
  /** The call's revision when this socket entered it: older departures do not concern it. */
  readonly revision: number;
}

/**
 * What the server keeps on each socket. It is plain data: with connection state recovery the
 * Redis adapter stores it and gives it back, with the rooms, to a socket that reconnects.
 */
export interface SignalingSocketData {
  userId: string;
  role: 'provider' | 'patient';
  /** The login session of the token in use; null for an identity provider's token. */
  sessionId: string | null;
  /** When the token in use expires (ms since the epoch); a refresh-token moves it. */
  expiresAt: number;
  /** Ledger data for auditors (events' origin); never logged. */
  origin: RequestOrigin;
  /** Keyed by call id. */
  calls: Record<string, CallMembership>;
}

export type SignalingSocket = Socket<
  DefaultEventsMap,
  DefaultEventsMap,
  DefaultEventsMap,
  SignalingSocketData
>;
export type SignalingNamespace = Namespace<
  DefaultEventsMap,
  DefaultEventsMap,
  DefaultEventsMap,
  SignalingSocketData
>;
