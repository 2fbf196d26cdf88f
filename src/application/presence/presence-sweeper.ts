import { claimUntilNoneLeft } from '../background/claim-until-none-left.js';
import { PeriodicWorker } from '../background/periodic-worker.js';
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
export class PresenceSweeper extends PeriodicWorker {
  constructor(
    private readonly leases: PresenceLeases,
    private readonly calls: CallCommands,
    private readonly settings: PresenceSettings,
    private readonly logger: PresenceLogger,
  ) {
    super();
  }

  /** Handles every lease expired now; answers how many disconnects it recorded or found moot. */
  sweep(): Promise<number> {
    return claimUntilNoneLeft(
      () => this.leases.claimExpired(CLAIM_BATCH, this.settings.renewSeconds),
      (holder) => this.disconnect(holder),
    );
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

  /** One sweep; answers the delay until the next. */
  protected override async tick(): Promise<number> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn('presence sweep failed', { error: (error as Error).message });
    }
    return this.settings.renewSeconds * 1000;
  }
}
