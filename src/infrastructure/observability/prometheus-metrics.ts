import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type {
  CommandMetrics,
  CommandOutcomeLabel,
} from '../../application/ports/command-metrics.port.js';

/**
 * One registry per app instance (tests start several in one process). Labels carry command types
 * and outcomes only: never ids, names or addresses.
 */
export class PrometheusMetrics implements CommandMetrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'ledger_commands_total',
    help: 'Commands handled, by command type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly commandSeconds = new Histogram({
    name: 'ledger_command_duration_seconds',
    help: 'Time from load to append for a command, by command type',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly appendSeconds = new Histogram({
    name: 'ledger_append_duration_seconds',
    help: 'Event store append latency',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  recordCommand(type: string, outcome: CommandOutcomeLabel, seconds: number): void {
    this.commands.inc({ type, outcome });
    this.commandSeconds.observe({ type }, seconds);
  }
}
