import type { SignalingSocket } from './signaling-socket.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry is reached in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One timer per socket, due when its token expires. A refresh moves it; a disconnect clears it.
 * When it fires, the socket hears `auth-expired` and is disconnected by the server.
 */
export class TokenExpiryTimers {
  private readonly timers = new WeakMap<SignalingSocket, NodeJS.Timeout>();

  constructor(private readonly expire: (socket: SignalingSocket) => void) {}

  /** (Re)arms the socket's timer for `socket.data.expiresAt`. */
  arm(socket: SignalingSocket): void {
    this.clear(socket);
    const delay = socket.data.expiresAt - Date.now();
    if (delay <= 0) {
      this.expire(socket);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(socket);
        if (socket.data.expiresAt <= Date.now()) this.expire(socket);
        else this.arm(socket);
      },
      Math.min(delay, MAX_DELAY_MS),
    );
    // A socket's timer never keeps the process alive on its own.
    timer.unref();
    this.timers.set(socket, timer);
  }

  clear(socket: SignalingSocket): void {
    const timer = this.timers.get(socket);
    if (timer) clearTimeout(timer);
    this.timers.delete(socket);
  }
}
