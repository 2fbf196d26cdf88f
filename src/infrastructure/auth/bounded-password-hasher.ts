import type { PasswordHasher } from '../../application/ports/password-hasher.port.js';
import { passwordChecksBusy } from '../../application/retry-later.error.js';

export interface PasswordHashBounds {
  /** Hashes computed at once (each takes tens of milliseconds and 64 MiB). */
  readonly concurrency: number;
  /** Callers that may wait for a turn; any more are refused at once. */
  readonly queue: number;
  /** How long a caller waits for a turn before it is refused. */
  readonly maxWaitMs: number;
}

/**
 * Bounds the password hashes computed at once, so a burst of logins cannot exhaust memory and
 * the thread pool: a few wait briefly for a turn, the rest get AUTH.BUSY (503, Retry-After).
 */
export class BoundedPasswordHasher implements PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly inner: PasswordHasher,
    private readonly bounds: PasswordHashBounds,
  ) {}

  hash(password: string): Promise<string> {
    return this.bounded(() => this.inner.hash(password));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.bounded(() => this.inner.verify(hash, password));
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    await this.turn();
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  /** Resolves once this caller may run (counted in `running`), else throws AUTH.BUSY. */
  private async turn(): Promise<void> {
    if (this.running < this.bounds.concurrency) {
      this.running += 1;
      return;
    }
    if (this.waiting.length >= this.bounds.queue) throw passwordChecksBusy();
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.running += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(passwordChecksBusy());
      }, this.bounds.maxWaitMs);
      this.waiting.push(wake);
    });
  }
}
