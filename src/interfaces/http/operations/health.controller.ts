import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Knex } from 'knex';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { KNEX } from '../../../infrastructure/postgres/database.tokens.js';
import { ProjectionMonitor } from '../../../projections/projection-monitor.js';
import { Public } from '../auth/auth.decorators.js';

/** Read models further behind than this make /health report `degraded`. */
const LAG_DEGRADED_SECONDS = 30;

/** Liveness and readiness for load balancers: the database and the event store must answer. */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionMonitor,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.probe('database', () => this.knex.raw('SELECT 1')),
      () => this.probe('eventStore', () => this.store.ping()),
      () => this.projectionLag(),
    ]);
  }

  /**
   * Lagging read models still serve (queries say so with X-Ledger-Stale), so lag makes the
   * instance `degraded`, never `down`: a load balancer must not pull it for that.
   */
  private async projectionLag() {
    const session = this.indicators.check('projections');
    try {
      const lag = await this.projections.lag();
      const details = Object.fromEntries(
        lag.map((projection) => [
          projection.name,
          {
            running: projection.running,
            eventsBehind: projection.eventsBehind,
            secondsBehind: projection.secondsBehind,
          },
        ]),
      );
      const behind = lag.some(
        (projection) => !projection.running || projection.secondsBehind > LAG_DEGRADED_SECONDS,
      );
      return behind ? session.degraded(details) : session.up(details);
    } catch {
      return session.degraded({ message: 'projection lag is unknown' });
    }
  }

  private async probe<const Key extends string>(key: Key, ping: () => Promise<unknown>) {
    const session = this.indicators.check(key);
    try {
      await ping();
      return session.up();
    } catch {
      return session.down({ message: `${key} is unreachable` });
    }
  }
}
