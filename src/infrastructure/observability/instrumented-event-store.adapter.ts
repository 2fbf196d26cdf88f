import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
} from '../../application/ports/event-store.port.js';
import type { PrometheusMetrics } from './prometheus-metrics.adapter.js';

/** Measures append latency around any event store adapter; everything else passes straight through. */
export function instrumentEventStore(store: EventStore, metrics: PrometheusMetrics): EventStore {
  return {
    async appendToStream(
      streamId: string,
      events: readonly EventToAppend[],
      options: { readonly expectedRevision: ExpectedRevision },
    ): Promise<AppendResult> {
      const stopTimer = metrics.appendSeconds.startTimer();
      try {
        return await store.appendToStream(streamId, events, options);
      } finally {
        stopTimer();
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options, handler) => store.subscribe(options, handler),
    headPosition: () => store.headPosition(),
    comparePositions: (a, b) => store.comparePositions(a, b),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
