import { PeriodicLoop } from './periodic-loop.js';

/**
 * A background worker that runs its passes on a PeriodicLoop of its own from `start()` until
 * `stop()`. The worker says what one pass does and how long to wait before the next.
 */
export abstract class PeriodicWorker {
  private readonly loop = new PeriodicLoop(() => this.tick());

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass, which handles its own failures; answers the delay until the next. */
  protected abstract tick(): Promise<number>;
}
