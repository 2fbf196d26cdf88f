import { DomainError } from '../../domain/shared/domain-error.js';
import { claimUntilNoneLeft } from '../background/claim-until-none-left.js';
import { PeriodicWorker } from '../background/periodic-worker.js';
import type { Clock } from '../ports/clock.port.js';
import type {
  DueTimer,
  TimerHandler,
  TimerHandlers,
  TimerKind,
  TimerStore,
} from '../ports/timer-store.port.js';

export interface TimerWorkerLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface TimerWorkerOptions {
  readonly store: TimerStore;
  readonly clock: Clock;
  readonly handlers: TimerHandlers;
  readonly logger: TimerWorkerLogger;
  /** Longest sleep between checks: new timers scheduled by other instances are seen this soon. */
  readonly maxIdleMs?: number;
  readonly leaseSeconds?: number;
}

/**
 * Fires due timers. A broken rule (the call was answered before its ring timeout) is the normal
 * way a timer becomes moot: it completes with the rule's code. Any other failure leaves the lease
 * to run out so that this or another instance tries again.
 */
export class TimerWorker extends PeriodicWorker {
  constructor(private readonly options: TimerWorkerOptions) {
    super();
  }

  /** Fires every timer due now; exposed so tests and the CLI can drive it deterministically. */
  fireDue(): Promise<number> {
    return claimUntilNoneLeft(
      () =>
        this.options.store.claimDue(this.options.clock.now(), 20, this.options.leaseSeconds ?? 30),
      (timer) => this.fire(timer),
    );
  }

  private async fire(timer: DueTimer): Promise<boolean> {
    try {
      const outcome = await this.handlerOf(timer.kind)(timer);
      await this.options.store.complete(timer.id, outcome);
      return true;
    } catch (error) {
      if (error instanceof DomainError) {
        await this.options.store.complete(timer.id, `skipped:${error.code}`);
        return false;
      }
      this.options.logger.warn('timer failed; it will be retried when its lease ends', {
        timerKind: timer.kind,
        attempts: timer.attempts,
        error: (error as Error).message,
      });
      return false;
    }
  }

  /** The handler of a timer's own kind (the lookup by kind cannot be narrowed by the compiler). */
  private handlerOf<Kind extends TimerKind>(kind: Kind): TimerHandler<Kind> {
    return this.options.handlers[kind] as TimerHandler<Kind>;
  }

  /** One check; answers the delay until the next, sooner when a timer falls due before it. */
  protected override async tick(): Promise<number> {
    const maxIdle = this.options.maxIdleMs ?? 1000;
    let delay = maxIdle;
    try {
      await this.fireDue();
      const next = await this.options.store.nextDueAt();
      if (next) {
        delay = Math.min(
          maxIdle,
          Math.max(10, next.getTime() - this.options.clock.now().getTime()),
        );
      }
    } catch (error) {
      this.options.logger.warn('timer check failed', { error: (error as Error).message });
    }
    return delay;
  }
}
