import { randomBytes, randomUUID } from 'node:crypto';
import type {
  EventMetadata,
  EventStore,
  EventToAppend,
} from '../../src/application/ports/event-store.port.js';
import type { JsonObject } from '../../src/domain/shared/event.js';

/** A unique stream-id prefix, so tests (and runs against a shared server) never see each other. */
export function uniquePrefix(label = 't'): string {
  return `${label}${randomBytes(5).toString('hex')}-`;
}

export interface TestEventOptions {
  readonly type?: string;
  readonly version?: number;
  readonly data?: JsonObject;
  readonly metadata?: Partial<EventMetadata>;
  readonly occurredAt?: Date;
}

export function testEvent(options: TestEventOptions = {}): EventToAppend {
  const eventId = randomUUID();
  return {
    eventId,
    type: options.type ?? 'CallQualityReported',
    version: options.version ?? 1,
    data: options.data ?? { callId: randomUUID(), roundTripMs: 42, codec: 'opus', ok: true },
    metadata: {
      actor: { userId: randomUUID(), role: 'provider' },
      occurredAt: (options.occurredAt ?? new Date()).toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      ...options.metadata,
    },
  };
}

export function testEvents(count: number, options: TestEventOptions = {}): EventToAppend[] {
  return Array.from({ length: count }, () => testEvent(options));
}

/** Resolves when `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean,
  timeoutMs: number,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the feed has reached every given position. The PostgreSQL feed only shows what is
 * below the oldest open transaction of the whole server, so on a shared server another session's
 * open transaction can hold it back for a while after an append has returned.
 */
export async function waitUntilReadable(
  store: EventStore,
  positions: readonly string[],
  timeoutMs = 15_000,
): Promise<void> {
  const newest = positions.reduce((a, b) => (store.comparePositions(a, b) >= 0 ? a : b));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    if (head !== null && store.comparePositions(head, newest) >= 0) return;
    if (Date.now() > deadline)
      throw new Error(`The feed did not reach ${newest} in ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Reads the whole (prefix-filtered) feed through `readAll`, page by page. */
export async function readWholeFeed(
  store: EventStore,
  streamPrefixes: readonly string[],
  limit = 100,
): Promise<Awaited<ReturnType<EventStore['readAll']>>> {
  const all: Awaited<ReturnType<EventStore['readAll']>> = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readAll({ after, limit, streamPrefixes });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
}
