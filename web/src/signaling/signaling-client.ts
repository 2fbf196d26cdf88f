import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientEventName,
  ClientEvents,
  ServerEventName,
  ServerEvents,
} from '../api/signaling-contract';
import { SeenNotifications } from './seen-notifications';

/** A refused socket request: the server's `{ ok: false, code, message }`. */
export class SignalingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

/**
 * The session's one socket.io connection to /webrtc. socket.io reconnects by itself; listeners of
 * `connection` hear every change so screens can say "network lost" and calls can rejoin. Events
 * and their payloads are the ones of `signaling-contract.ts`: what the server sends is trusted to
 * match it, as REST responses are trusted to match `contract.ts`. A notification heard before
 * (same event, same ledger event id) reaches no listener again.
 */
export class SignalingClient {
  private readonly socket: Socket;
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private readonly endListeners = new Set<(message: string) => void>();
  /** By event name; the socket has one listener per name, which decides for all of them. */
  private readonly eventListeners = new Map<string, Set<(payload: never) => void>>();
  private readonly seen = new SeenNotifications();

  constructor(token: string) {
    this.socket = io('/webrtc', {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket.on('connect', () => this.connectionChanged(true));
    this.socket.on('disconnect', () => this.connectionChanged(false));
    this.socket.on('connect_error', (error: Error & { data?: { code?: unknown } }) => {
      this.connectionChanged(false);
      // A refused token is not retried by socket.io: the session is over.
      const code = error.data?.code;
      if (typeof code === 'string' && code.startsWith('AUTH.') && code !== 'AUTH.UNAVAILABLE') {
        this.ended('Your session has ended. Please log in again.');
      }
    });
    this.socket.on('auth-expired', () => this.ended('Your session expired. Please log in again.'));
    this.socket.on('session-ended', () =>
      this.ended('Your session has ended. Please log in again.'),
    );
  }

  /** Hears, once, that the server ended this connection for good (expiry, logout). */
  onEnded(listener: (message: string) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Goes on with a newer access token: the live connection switches to it (`refresh-token`),
   * and a reconnect later presents it. A refusal is left to run out: the old token's expiry
   * then ends the session.
   */
  async renewToken(token: string): Promise<void> {
    this.socket.auth = { token };
    if (!this.socket.connected) return;
    await this.request('refresh-token', { token }).catch(() => undefined);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  on<Event extends ServerEventName>(
    event: Event,
    listener: (payload: ServerEvents[Event]) => void,
  ): () => void {
    // Widened to a plain name: the socket itself knows no event map (signaling-contract does).
    const name: string = event;
    let listeners = this.eventListeners.get(name);
    if (!listeners) {
      const forName = new Set<(payload: never) => void>();
      listeners = forName;
      this.eventListeners.set(name, forName);
      this.socket.on(name, (payload: unknown) => {
        if (!this.seen.firstTime(name, payload)) return;
        // The payload is trusted to match the contract of `name`, the listeners' own event.
        for (const heard of [...forName]) heard(payload as never);
      });
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Sends a client event and resolves with the ack, or rejects with the server's refusal. */
  request<Event extends ClientEventName>(
    event: Event,
    payload: ClientEvents[Event]['payload'],
    timeoutMs = 10_000,
  ): Promise<ClientEvents[Event]['ack']> {
    return new Promise((resolve, reject) => {
      this.socket
        .timeout(timeoutMs)
        .emit(event, payload, (error: Error | null, ack: Ack<Event>) => {
          if (error) reject(new SignalingError('TIMEOUT', 'The server did not answer in time.'));
          else if (ack.ok) resolve(ack);
          else reject(new SignalingError(ack.code, ack.message));
        });
    });
  }

  /** Fire and forget (relayed signals); refusals come back as `error` events. */
  send<Event extends ClientEventName>(event: Event, payload: ClientEvents[Event]['payload']): void {
    this.socket.emit(event, payload);
  }

  close(): void {
    this.socket.close();
    this.connectionListeners.clear();
    this.endListeners.clear();
    this.eventListeners.clear();
  }

  private ended(message: string): void {
    const listeners = [...this.endListeners];
    this.endListeners.clear();
    for (const listener of listeners) listener(message);
  }

  private connectionChanged(connected: boolean): void {
    for (const listener of this.connectionListeners) listener(connected);
  }
}
