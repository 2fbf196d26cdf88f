import type { PasswordHasher } from '../../../src/application/ports/password-hasher.port.js';
import { RetryLaterError } from '../../../src/application/retry-later.error.js';
import { BoundedPasswordHasher } from '../../../src/infrastructure/auth/bounded-password-hasher.js';

/** A hasher whose checks finish only when the test says so, counting how many run at once. */
class HeldHasher implements PasswordHasher {
  running = 0;
  mostAtOnce = 0;
  private readonly releases: Array<() => void> = [];

  hash(password: string): Promise<string> {
    return this.held(() => `hashed:${password}`);
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.held(() => hash === `hashed:${password}`);
  }

  /** Lets the oldest running check finish. */
  releaseOne(): void {
    this.releases.shift()?.();
  }

  private held<T>(result: () => T): Promise<T> {
    this.running += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    return new Promise<T>((resolve) => {
      this.releases.push(() => {
        this.running -= 1;
        resolve(result());
      });
    });
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the bound on concurrent password hashes', () => {
  it('runs at most `concurrency` at once; the next waits for a turn', async () => {
    const inner = new HeldHasher();
    const hasher = new BoundedPasswordHasher(inner, { concurrency: 2, queue: 5, maxWaitMs: 5_000 });
    const checks = [1, 2, 3, 4].map((n) => hasher.verify('hashed:p', n === 3 ? 'p' : 'x'));
    await settle();
    expect(inner.running).toBe(2);
    inner.releaseOne();
    await settle();
    expect(inner.running).toBe(2);
    inner.releaseOne();
    inner.releaseOne();
    await settle();
    inner.releaseOne();
    expect(await Promise.all(checks)).toEqual([false, false, true, false]);
    expect(inner.mostAtOnce).toBe(2);
  });

  it('refuses with AUTH.BUSY (503, retry later) beyond the queue, at once', async () => {
    const inner = new HeldHasher();
    const hasher = new BoundedPasswordHasher(inner, { concurrency: 1, queue: 1, maxWaitMs: 5_000 });
    const running = hasher.hash('a');
    const waiting = hasher.hash('b');
    await expect(hasher.hash('c')).rejects.toMatchObject({
      code: 'AUTH.BUSY',
      reason: 'busy',
      retryAfterSeconds: 1,
    });
    inner.releaseOne();
    await settle();
    inner.releaseOne();
    expect(await Promise.all([running, waiting])).toEqual(['hashed:a', 'hashed:b']);
  });

  it('gives up on a caller that waited too long, and its place goes to nobody', async () => {
    const inner = new HeldHasher();
    const hasher = new BoundedPasswordHasher(inner, { concurrency: 1, queue: 3, maxWaitMs: 20 });
    const running = hasher.hash('a');
    const refused = await hasher.hash('b').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RetryLaterError);
    inner.releaseOne();
    expect(await running).toBe('hashed:a');
    // The slot is free again: the next one runs at once.
    const next = hasher.hash('c');
    await settle();
    expect(inner.running).toBe(1);
    inner.releaseOne();
    expect(await next).toBe('hashed:c');
  });
});
