import type { CallCommands } from '../call/call-commands.js';
import type { PresenceHolder, PresenceLeases } from '../ports/presence-leases.port.js';
import { disconnectParticipant } from './disconnect-participant.js';
import type { PresenceLogger } from './presence-logger.js';
import type { PresenceSettings } from './presence-settings.js';

/** The first retry of a failed step comes this soon; each next one waits twice as long. */
const FIRST_RETRY_MS = 500;

/**
 * The leases of the participants whose sockets this instance holds (docs/architecture.md,
 * "Presence"). A participant joining or reconnecting takes the lease; every lease of the instance
 * is renewed on a timer; a clean drop is recorded, and only then is the lease released.
 *
 * Every step is retried until it succeeds, as long as the instance runs. A drop whose record keeps
 * failing keeps its lease alive meanwhile, so no other instance records it a second time, with
 * another reason; if this instance dies before the drop is recorded, the lease runs out and the
 * sweep of whichever instance is up records it (`instance_lost`). Nothing is ever dropped.
 */
export class PresenceKeeper {
  private renewal: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly pending = new Set<Promise<void>>();
  /** Per participant and socket: the last step queued. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly leases: PresenceLeases,
    private readonly calls: CallCommands,
    /** Names this process among the instances; a restart is another instance. */
    readonly instanceId: string,
    private readonly settings: PresenceSettings,
    private readonly logger: PresenceLogger,
  ) {}

  start(): void {
    this.stopped = false;
    this.renewal = setInterval(() => void this.renew(), this.settings.renewSeconds * 1000);
    this.renewal.unref();
  }

  /** Stops renewing and retrying; waits for the steps under way (each gets one last try). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
    await Promise.allSettled([...this.pending]);
  }

  /**
   * The participant is in the call through this socket: its lease is this instance's. Resolves
   * once the first attempt to take it has ended, so the join is acknowledged only once presence
   * is tracked (an instance that dies right after still leaves a lease to expire); a failed first
   * attempt is retried behind, and resolves too rather than hold the join up.
   */
  held(holder: PresenceHolder): Promise<void> {
    return this.untilDone(holder, 'take a presence lease', () =>
      this.leases.take(holder, this.instanceId, this.settings.leaseSeconds),
    );
  }

  /** The socket left the call with nothing to record (left, or the call ended): lease released. */
  left(holder: PresenceHolder): void {
    void this.untilDone(holder, 'release a presence lease', () => this.leases.release(holder));
  }

  /** The socket dropped while in the call: the drop is recorded, then the lease released. */
  dropped(holder: PresenceHolder): void {
    void this.untilDone(holder, 'record a disconnect', async () => {
      await disconnectParticipant(this.calls, holder, 'connection_lost');
      await this.leases.release(holder);
    });
  }

  /** Renews every lease of this instance now; the timer calls it every `renewSeconds`. */
  async renew(): Promise<void> {
    try {
      await this.leases.renew(this.instanceId, this.settings.leaseSeconds);
    } catch (error) {
      this.logger.warn('presence leases not renewed; trying again at the next renewal', {
        error: (error as Error).message,
      });
    }
  }

  /**
   * Runs after the steps already queued for the same participant and socket, so a release never
   * overtakes the take it ends (a socket that drops while its join is being recorded). Resolves
   * when the step's first attempt has ended, whether it succeeded or is being retried.
   */
  private untilDone(
    holder: PresenceHolder,
    what: string,
    step: () => Promise<void>,
  ): Promise<void> {
    const key = `${holder.callId}|${holder.userId}|${holder.socketId}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    let firstAttemptEnded: () => void = () => undefined;
    const firstAttempt = new Promise<void>((resolve) => (firstAttemptEnded = resolve));
    const task: Promise<void> = previous.then(() => this.retry(what, step, firstAttemptEnded));
    this.queues.set(key, task);
    this.pending.add(task);
    void task.finally(() => {
      this.pending.delete(task);
      if (this.queues.get(key) === task) this.queues.delete(key);
      firstAttemptEnded();
    });
    return firstAttempt;
  }

  private async retry(
    what: string,
    step: () => Promise<void>,
    firstAttemptEnded: () => void,
  ): Promise<void> {
    const longestWaitMs = this.settings.renewSeconds * 1000;
    for (let attempt = 1, waitMs = FIRST_RETRY_MS; ; attempt++) {
      try {
        await step();
        return;
      } catch (error) {
        firstAttemptEnded();
        if (this.stopped) {
          this.logger.warn(`could not ${what} before shutdown; the lease's expiry covers it`, {
            attempts: attempt,
            error: (error as Error).message,
          });
          return;
        }
        this.logger.warn(`could not ${what}; trying again`, {
          attempts: attempt,
          error: (error as Error).message,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, longestWaitMs);
    }
  }
}
