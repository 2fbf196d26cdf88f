import { io, type Socket } from 'socket.io-client';
import type { DemoUser, TestServer } from './test-server.js';

export interface Ack {
  ok: boolean;
  code?: string;
  message?: string;
  [field: string]: unknown;
}

export interface Received {
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

export interface ConnectOptions {
  /** Sent as `auth.token`; defaults to a fresh login of the user. */
  readonly token?: string | null;
  /** Let socket.io reconnect by itself (tests of drops turn it on). */
  readonly reconnection?: boolean;
}

/**
 * A real socket.io-client on the /webrtc namespace that records every event it receives, so a
 * test can wait for one that may already have arrived.
 */
export class SignalingClient {
  readonly received: Received[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: Record<string, unknown>) => {
      this.received.push({ event, payload });
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Connects and resolves once the handshake is accepted (rejects with the connect_error). */
  static async connect(url: string, token: string | null, options: ConnectOptions = {}) {
    const socket = io(`${url}/webrtc`, {
      auth: token === null ? {} : { token },
      transports: ['websocket'],
      reconnection: options.reconnection ?? false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
      forceNew: true,
    });
    const client = new SignalingClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
    return client;
  }

  static async as(server: TestServer, user: DemoUser, options: ConnectOptions = {}) {
    const token = options.token !== undefined ? options.token : await server.tokenFor(user);
    return SignalingClient.connect(server.server.url, token, options);
  }

  get id(): string | undefined {
    return this.socket.id;
  }

  /** Emits with an ack callback and resolves with the ack. */
  request(event: string, ...args: unknown[]): Promise<Ack> {
    return this.socket.timeout(10_000).emitWithAck(event, ...args) as Promise<Ack>;
  }

  /** Emits without an ack callback. */
  send(event: string, ...args: unknown[]): void {
    this.socket.emit(event, ...args);
  }

  /** The first received `event` (after `from` entries) that matches; waits for it if needed. */
  async next(
    event: string,
    match: (payload: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const find = () => this.received.find((entry) => entry.event === event && match(entry.payload));
    const found = find();
    if (found) return this.take(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${event} within ${timeoutMs} ms; got ${this.summary()}`));
      }, timeoutMs);
      const check = (): void => {
        const entry = find();
        if (!entry) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.take(entry));
      };
      this.waiters.add(check);
    });
  }

  /** Every received `event` so far. */
  all(event: string): Record<string, unknown>[] {
    return this.received.filter((entry) => entry.event === event).map((entry) => entry.payload);
  }

  /** Waits a moment and returns the `event`s received meanwhile (for "nothing arrives"). */
  async quietFor(ms: number, event: string): Promise<Record<string, unknown>[]> {
    const before = this.received.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received
      .slice(before)
      .filter((entry) => entry.event === event)
      .map((entry) => entry.payload);
  }

  summary(): string {
    return this.received.map((entry) => entry.event).join(', ') || 'nothing';
  }

  close(): void {
    this.socket.close();
  }

  private take(entry: Received): Record<string, unknown> {
    this.received.splice(this.received.indexOf(entry), 1);
    return entry.payload;
  }
}

/** Polls until `done` holds or the time is up; returns the last value. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
