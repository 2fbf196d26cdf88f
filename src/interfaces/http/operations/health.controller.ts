import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Knex } from 'knex';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { KNEX } from '../../../infrastructure/postgres/database.tokens.js';
import { Public } from '../auth/auth.decorators.js';

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
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.probe('database', () => this.knex.raw('SELECT 1')),
      () => this.probe('eventStore', () => this.store.ping()),
    ]);
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
