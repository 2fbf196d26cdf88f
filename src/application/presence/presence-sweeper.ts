import type { CallCommands } from '../call/call-commands.js';
import type { PresenceHolder, PresenceLeases } from '../ports/presence-leases.port.js';
import { disconnectParticipant } from './disconnect-participant.js';
import type { PresenceLogger } from './presence-logger.js';
import type { PresenceSettings } from './presence-settings.js';

/** Leases claimed at once; a sweep claims again until none is left. */
const CLAIM_BATCH = 20;

/**
 * Records as disconnected (`instance_lost`) every participant whose lease nobody renewed: the
 * instance holding their socket died or lost the database (docs/architecture.md, "Presence").
 * Every instance runs one, from the moment it starts, so leases that ran out while no instance
 * ran are handled by the first one back. Claims are disjoint across instances; a lease whose
 * disconnect could not be recorded stays, and is claimed again once its claim runs out. The
 * reconnect grace then runs as for any drop.
 */
export class PresenceSweeper {
  private timeout: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly leases: PresenceLeases,
    private readonly calls: CallCommands,
    private readonly settings: PresenceSettings,
    private readonly logger: PresenceLogger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timeout) clearTimeout(this.timeout);
    await this.running;
  }

  /** Handles every lease expired now; answers how many disconnects it recorded or found moot. */
  async sweep(): Promise<number> {
    let handled = 0;
    for (;;) {
      const expired = await this.leases.claimExpired(CLAIM_BATCH, this.settings.renewSeconds);
      if (expired.length === 0) return handled;
      for (const holder of expired) {
        if (await this.disconnect(holder)) handled++;
      }
    }
  }

  private async disconnect(holder: PresenceHolder): Promise<boolean> {
    try {
      await disconnectParticipant(this.calls, holder, 'instance_lost');
      await this.leases.release(holder);
      return true;
    } catch (error) {
      this.logger.warn('a lost participant was not recorded; retried when the claim runs out', {
        error: (error as Error).message,
      });
      return false;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timeout = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = null));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn('presence sweep failed', { error: (error as Error).message });
    }
    this.schedule(this.settings.renewSeconds * 1000);
  }
}
