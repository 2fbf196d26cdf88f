import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { COMMAND_METRICS } from '../../../application/ports/command-metrics.port.js';
import { PrometheusMetrics } from '../../../infrastructure/observability/prometheus-metrics.adapter.js';
import { Public } from '../auth/auth.decorators.js';

/** Prometheus scrape endpoint. It carries counts and timings only, nothing about people. */
@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(COMMAND_METRICS) private readonly metrics: PrometheusMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
