import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type {
  CommandMetrics,
  CommandOutcomeLabel,
} from '../../application/ports/command-metrics.port.js';

/** The part of a projection's lag the gauges show (see src/projections/projection-monitor.ts). */
export interface ProjectionLagSample {
  readonly name: string;
  readonly active: boolean;
  readonly eventsBehind: number | null;
  readonly secondsBehind: number | null;
}

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

  // --- projections (labels: the projection's name only) -----------------------------------------
  private projectionLagSource: (() => Promise<readonly ProjectionLagSample[]>) | null = null;
  private projectionLagSnapshot: {
    at: number;
    samples: Promise<readonly ProjectionLagSample[]>;
  } | null = null;
  private readonly projectionEvents = new Counter({
    name: 'ledger_projection_events_total',
    help: 'Events applied by this instance, by projection',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  private readonly projectionBatchSeconds = new Histogram({
    name: 'ledger_projection_batch_duration_seconds',
    help: 'Time to apply one batch and its checkpoint, by projection',
    labelNames: ['projection'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const lag = (): Promise<readonly ProjectionLagSample[]> => this.projectionLag();
    const gauge = (
      name: string,
      help: string,
      value: (sample: ProjectionLagSample) => number | null,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: ['projection'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const sample of await lag()) {
            const v = value(sample);
            if (v !== null) this.set({ projection: sample.name }, v);
          }
        },
      });
    };
    gauge(
      'ledger_projection_events_behind',
      'Events in the ledger the projection has not applied yet (capped)',
      (s) => s.eventsBehind,
    );
    gauge(
      'ledger_projection_seconds_behind',
      'Age of the oldest event the projection has not applied yet (0 when caught up)',
      (s) => s.secondsBehind,
    );
    gauge(
      'ledger_projection_active',
      '1 when this instance runs the projection, 0 when it stands by',
      (s) => (s.active ? 1 : 0),
    );
  }

  /** Where the projection lag gauges come from (ProjectionMonitor.lag); read at scrape time. */
  observeProjectionLag(source: () => Promise<readonly ProjectionLagSample[]>): void {
    this.projectionLagSource = source;
    this.projectionLagSnapshot = null;
  }

  observeProjectionBatch(projection: string, events: number, seconds: number): void {
    this.projectionEvents.inc({ projection }, events);
    this.projectionBatchSeconds.observe({ projection }, seconds);
  }

  /** One lag reading shared by the three gauges of a scrape. */
  private projectionLag(): Promise<readonly ProjectionLagSample[]> {
    const source = this.projectionLagSource;
    if (!source) return Promise.resolve([]);
    const now = Date.now();
    if (!this.projectionLagSnapshot || now - this.projectionLagSnapshot.at > 1000) {
      this.projectionLagSnapshot = { at: now, samples: source().catch(() => []) };
    }
    return this.projectionLagSnapshot.samples;
  }

  recordCommand(type: string, outcome: CommandOutcomeLabel, seconds: number): void {
    this.commands.inc({ type, outcome });
    this.commandSeconds.observe({ type }, seconds);
  }
}
