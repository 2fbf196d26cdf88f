import type { Knex } from 'knex';
import type pg from 'pg';
import type { EventStore, LedgerPosition } from '../application/ports/event-store.port.js';
import type { FeedStatistics } from '../application/ports/feed-statistics.port.js';
import { projectionLockHeld } from './projection-lock.js';
import type { ProjectionRunner } from './projection-runner.js';

export interface ProjectionLag {
  readonly name: string;
  /** This instance runs the projection (holds its lock). */
  readonly active: boolean;
  /** Some instance runs it; false means nobody follows the ledger for it. */
  readonly running: boolean;
  /** The committed checkpoint, shared by all instances; null before the first batch. */
  readonly position: LedgerPosition | null;
  readonly headPosition: LedgerPosition | null;
  /**
   * Events of the projection's streams after its checkpoint, up to `EVENTS_BEHIND_CAP`; null when
   * the event store cannot count (not PostgreSQL).
   */
  readonly eventsBehind: number | null;
  /** Age of the oldest event not applied yet, in seconds; 0 when caught up. */
  readonly secondsBehind: number;
  /** When a batch was last committed (by any instance). */
  readonly lastAppliedAt: string | null;
}

export const EVENTS_BEHIND_CAP = 1_000_000;

export interface ProjectionMonitorOptions {
  readonly runners: readonly ProjectionRunner[];
  readonly store: EventStore;
  readonly knex: Knex;
  /** For `running`: asks PostgreSQL whether anyone holds a projection's lock. */
  readonly pool: pg.Pool;
  /** Counts events behind; without it `eventsBehind` is null. */
  readonly feed?: FeedStatistics | null;
  readonly now?: () => Date;
}

/**
 * What /health and /metrics say about the projections: per projection, whether it runs and how far
 * behind the ledger's head it is, in events and in seconds. Read from the shared checkpoint table,
 * so every instance answers the same, whichever one runs the projection.
 */
export class ProjectionMonitor {
  constructor(private readonly options: ProjectionMonitorOptions) {}

  get runners(): readonly ProjectionRunner[] {
    return this.options.runners;
  }

  async lag(): Promise<ProjectionLag[]> {
    const { store, knex, feed } = this.options;
    const now = (this.options.now ?? (() => new Date()))();
    const names = this.options.runners.map((runner) => runner.name);
    const [head, checkpoints] = await Promise.all([
      store.headPosition(),
      knex('projection_checkpoints')
        .whereIn('name', names)
        .select<Array<{ name: string; position: string | null; updated_at: Date }>>(
          'name',
          'position',
          'updated_at',
        ),
    ]);
    const byName = new Map(checkpoints.map((row) => [row.name, row]));
    return Promise.all(
      this.options.runners.map(async (runner): Promise<ProjectionLag> => {
        const checkpoint = byName.get(runner.name);
        const position = checkpoint?.position ?? null;
        const prefixes = runner.streamPrefixes ?? null;
        const caughtUp =
          head === null || (position !== null && store.comparePositions(position, head) >= 0);
        const [eventsBehind, oldest, running] = await Promise.all([
          caughtUp
            ? 0
            : feed
              ? feed.countEvents(position, prefixes, EVENTS_BEHIND_CAP)
              : Promise.resolve(null),
          caughtUp
            ? Promise.resolve([])
            : store.readAll({
                after: position,
                limit: 1,
                ...(prefixes ? { streamPrefixes: prefixes } : {}),
              }),
          runner.status().active
            ? Promise.resolve(true)
            : projectionLockHeld(this.options.pool, runner.name),
        ]);
        const first = oldest[0];
        const secondsBehind = first
          ? Math.max(0, (now.getTime() - Date.parse(first.metadata.occurredAt)) / 1000)
          : 0;
        return {
          name: runner.name,
          active: runner.status().active,
          running,
          position,
          headPosition: head,
          eventsBehind: first || eventsBehind === null ? eventsBehind : 0,
          secondsBehind: Math.round(secondsBehind * 1000) / 1000,
          lastAppliedAt: checkpoint ? new Date(checkpoint.updated_at).toISOString() : null,
        };
      }),
    );
  }

  /** Read-your-writes across several projections: true once all of them passed `position`. */
  async waitFor(
    names: readonly string[],
    position: LedgerPosition,
    timeoutMs: number,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const runner of this.options.runners.filter((r) => names.includes(r.name))) {
      if (!(await runner.waitFor(position, Math.max(0, deadline - Date.now())))) return false;
    }
    return true;
  }
}
