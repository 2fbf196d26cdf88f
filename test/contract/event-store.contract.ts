import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
} from '../../src/application/ports/event-store.port.js';
import { verifyStreamIntegrity } from '../../src/application/ledger/event-integrity.js';
import type { JsonObject } from '../../src/domain/shared/event.js';
import {
  eventually,
  readWholeFeed,
  sleep,
  testEvent,
  testEvents,
  uniquePrefix,
  waitUntilReadable,
} from '../support/event-store-fixtures.js';

/** Ways to change stored events behind the store's back, where the adapter's storage allows it. */
export interface EventStoreTamper {
  alterEventData(streamId: string, revision: number, data: JsonObject): Promise<void>;
  removeEvent(streamId: string, revision: number): Promise<void>;
}

export interface EventStoreUnderTest {
  readonly store: EventStore;
  cleanup(): Promise<void>;
  readonly tamper?: EventStoreTamper;
}

export type EventStoreFactory = () => Promise<EventStoreUnderTest>;

function expectWrongRevision(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject({ streamId, expected, actual });
}

async function appendFails(
  store: EventStore,
  streamId: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
): Promise<unknown> {
  try {
    await store.appendToStream(streamId, events, { expectedRevision });
  } catch (error) {
    return error;
  }
  throw new Error(`append to ${streamId} with expected ${String(expectedRevision)} succeeded`);
}

function stripChain(event: RecordedEvent): Omit<EventToAppend, 'metadata'> & { metadata: unknown } {
  const { hash: _hash, previousHash: _previousHash, ...metadata } = event.metadata;
  return {
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    data: event.data,
    metadata,
  };
}

/**
 * The behaviour every EventStore adapter must show. Call it inside a `describe`; each test uses
 * streams under a prefix of its own, so a shared server works too.
 */
export function eventStoreContract(factory: EventStoreFactory): void {
  let subject: EventStoreUnderTest;
  let store: EventStore;

  beforeAll(async () => {
    subject = await factory();
    store = subject.store;
  });

  afterAll(async () => {
    await subject?.cleanup();
  });

  it('appends and reads back the full envelope, starting at revision 0', async () => {
    const streamId = `${uniquePrefix()}call-1`;
    const first = testEvent({
      type: 'CallInitiated',
      version: 2,
      data: {
        callId: 'c-1',
        callType: 'VIDEO',
        participants: [
          { userId: 'u-1', role: 'provider' },
          { userId: 'u-2', role: 'patient' },
        ],
        note: 'Grüße – 診察 ✓',
        ratio: 0.1,
        big: 12345678901234,
        nothing: null,
      },
      metadata: {
        actor: { userId: 'u-1', role: 'provider' },
        correlationId: 'corr-1',
        causationId: 'cause-1',
        origin: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)' },
      },
      // An hour ago, to the millisecond: the PostgreSQL ledger refuses instants far from its clock.
      occurredAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000 + 678),
    });
    const second = testEvent({
      type: 'CallMissed',
      metadata: { actor: { userId: 'system', role: 'system' }, causationId: first.eventId },
    });

    const result = await store.appendToStream(streamId, [first, second], {
      expectedRevision: 'no_stream',
    });
    const events = await store.readStream(streamId);

    expect(result.revision).toBe(1);
    expect(events.map((e) => e.revision)).toEqual([0, 1]);
    expect(events.map(stripChain)).toEqual([first, second]);
    expect(events.every((e) => e.streamId === streamId)).toBe(true);
    expect(store.comparePositions(events[0]!.position, events[1]!.position)).toBeLessThan(0);
    expect(result.position).toBe(events[1]!.position);
    expect(await store.readStream(`${uniquePrefix()}missing`)).toEqual([]);
  });

  it('checks each expected-revision mode and writes nothing on a mismatch', async () => {
    const streamId = `${uniquePrefix()}call`;
    const missing = `${uniquePrefix()}call`;

    expect(
      (await store.appendToStream(streamId, [testEvent()], { expectedRevision: 'no_stream' }))
        .revision,
    ).toBe(0);
    expectWrongRevision(
      await appendFails(store, streamId, [testEvent()], 'no_stream'),
      streamId,
      'no_stream',
      0,
    );
    expect(
      (await store.appendToStream(streamId, testEvents(2), { expectedRevision: 0 })).revision,
    ).toBe(2);
    expectWrongRevision(await appendFails(store, streamId, [testEvent()], 0), streamId, 0, 2);
    expectWrongRevision(await appendFails(store, streamId, [testEvent()], 7), streamId, 7, 2);
    expectWrongRevision(
      await appendFails(store, missing, [testEvent()], 0),
      missing,
      0,
      'no_stream',
    );
    expect(
      (await store.appendToStream(streamId, [testEvent()], { expectedRevision: 'any' })).revision,
    ).toBe(3);
    expect(
      (await store.appendToStream(missing, [testEvent()], { expectedRevision: 'any' })).revision,
    ).toBe(0);

    expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    expect((await store.readStream(missing)).map((e) => e.revision)).toEqual([0]);
  });

  it('answers a re-append of the same event ids with the original result', async () => {
    const streamId = `${uniquePrefix()}call`;
    const batch = testEvents(2);
    const next = testEvent();

    const original = await store.appendToStream(streamId, batch, { expectedRevision: 'no_stream' });
    const retried = await store.appendToStream(streamId, batch, { expectedRevision: 'no_stream' });
    const third = await store.appendToStream(streamId, [next], { expectedRevision: 1 });
    const thirdRetried = await store.appendToStream(streamId, [next], { expectedRevision: 1 });
    const retriedAny = await store.appendToStream(streamId, batch, { expectedRevision: 'any' });

    expect(retried).toEqual(original);
    expect(retriedAny).toEqual(original);
    expect(thirdRetried).toEqual(third);
    expect(third.revision).toBe(2);
    expect((await store.readStream(streamId)).map((e) => e.eventId)).toEqual([
      ...batch.map((e) => e.eventId),
      next.eventId,
    ]);
  });

  it('reads a stream as it was at an instant (`until`)', async () => {
    const streamId = `${uniquePrefix()}call`;
    // Within the hour before now: the PostgreSQL ledger refuses instants far from its clock.
    const start = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    await store.appendToStream(
      streamId,
      [0, 5000, 9000].map((ms) => testEvent({ occurredAt: new Date(start + ms) })),
      { expectedRevision: 'no_stream' },
    );

    const at = async (ms: number): Promise<number[]> =>
      (await store.readStream(streamId, { until: new Date(start + ms) })).map((e) => e.revision);

    expect(await at(5000)).toEqual([0, 1]);
    expect(await at(4999)).toEqual([0]);
    expect(await at(-1000)).toEqual([]);
    expect(await at(600_000)).toEqual([0, 1, 2]);
  });

  it('reads only the tail of a stream from a revision (`fromRevision`), with or without `until`', async () => {
    const streamId = `${uniquePrefix()}call`;
    const start = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    await store.appendToStream(
      streamId,
      [0, 1000, 2000, 3000].map((ms) => testEvent({ occurredAt: new Date(start + ms) })),
      { expectedRevision: 'no_stream' },
    );
    const from = async (fromRevision: number, until?: number): Promise<number[]> =>
      (
        await store.readStream(streamId, {
          fromRevision,
          ...(until === undefined ? {} : { until: new Date(start + until) }),
        })
      ).map((e) => e.revision);

    expect(await from(0)).toEqual([0, 1, 2, 3]);
    expect(await from(2)).toEqual([2, 3]);
    expect(await from(4)).toEqual([]);
    expect(await from(1, 2000)).toEqual([1, 2]);
    expect(await store.readStream(`${streamId}-none`, { fromRevision: 3 })).toEqual([]);
  });

  it('pages through the global feed in commit order, filtered by stream prefix', async () => {
    const prefix = uniquePrefix();
    const other = uniquePrefix();
    const appended: EventToAppend[] = [];
    const plan: Array<[string, number]> = [
      [`${prefix}call-a`, 2],
      [`${other}call-x`, 1],
      [`${prefix}call-b`, 1],
      [`${prefix}call-a`, 3],
      [`${other}call-x`, 2],
      [`${prefix}call-c`, 1],
    ];
    let last: AppendResult | undefined;
    for (const [streamId, count] of plan) {
      const events = testEvents(count);
      last = await store.appendToStream(streamId, events, { expectedRevision: 'any' });
      if (streamId.startsWith(prefix)) appended.push(...events);
    }
    await waitUntilReadable(store, [last!.position]);

    const pages: RecordedEvent[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.readAll({ after, limit: 3, streamPrefixes: [prefix] });
      if (page.length === 0) break;
      pages.push(page);
      after = page[page.length - 1]!.position;
    }
    const feed = pages.flat();

    expect(pages.every((page) => page.length <= 3)).toBe(true);
    expect(pages.length).toBe(3);
    expect(feed.map((e) => e.eventId)).toEqual(appended.map((e) => e.eventId));
    for (let i = 1; i < feed.length; i += 1) {
      expect(store.comparePositions(feed[i - 1]!.position, feed[i]!.position)).toBeLessThan(0);
    }
    expect(await readWholeFeed(store, [prefix, other])).toHaveLength(10);

    const fromMiddle = await store.readAll({
      after: feed[3]!.position,
      limit: 100,
      streamPrefixes: [prefix],
    });
    expect(fromMiddle.map((e) => e.eventId)).toEqual(feed.slice(4).map((e) => e.eventId));

    const head = await store.headPosition();
    expect(head).not.toBeNull();
    expect(store.comparePositions(head!, last!.position)).toBeGreaterThanOrEqual(0);
    expect(store.comparePositions(last!.position, last!.position)).toBe(0);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('lets exactly one of 20 racers win each revision of one stream', async () => {
    const streamId = `${uniquePrefix()}call`;
    await store.appendToStream(streamId, [testEvent()], { expectedRevision: 'no_stream' });

    let current = 0;
    for (let round = 0; round < 5; round += 1) {
      const expected = current;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          store.appendToStream(streamId, testEvents(2), { expectedRevision: expected }),
        ),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers)
        expectWrongRevision(loser.reason, streamId, expected, expected + 2);
      current += 2;
      expect(await store.readStream(streamId)).toHaveLength(current + 1);
    }

    const events = await store.readStream(streamId);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    expect(verifyStreamIntegrity(events)).toEqual({
      verified: true,
      checkedEvents: events.length,
      brokenAt: null,
    });
  });

  it("serialises 20 concurrent 'any' appends to one stream without losing or splitting any", async () => {
    const streamId = `${uniquePrefix()}call`;
    const batches = Array.from({ length: 20 }, () => testEvents(2));

    const results = await Promise.all(
      batches.map((events) => store.appendToStream(streamId, events, { expectedRevision: 'any' })),
    );
    const events = await store.readStream(streamId);

    expect(events).toHaveLength(40);
    expect(new Set(results.map((r) => r.revision)).size).toBe(20);
    for (const batch of batches) {
      const at = events.findIndex((e) => e.eventId === batch[0]!.eventId);
      expect(events[at + 1]?.eventId).toBe(batch[1]!.eventId);
    }
    expect(verifyStreamIntegrity(events).verified).toBe(true);
  });

  it('delivers every event of 8 concurrent writers to a live subscription once, in commit order', async () => {
    const prefix = uniquePrefix();
    const writers = 8;
    const appendsPerWriter = 200;
    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribe(
      { after: null, streamPrefixes: [prefix], batchSize: 50 },
      async (events) => {
        delivered.push(...events);
      },
    );

    // Each append gets a start and an end tick; if X ended before Y started, X committed first.
    let clock = 0;
    const appends: Array<{ ids: string[]; start: number; end: number }> = [];
    const writer = async (w: number): Promise<void> => {
      const revisions = new Map<string, number>();
      for (let i = 0; i < appendsPerWriter; i += 1) {
        if (Math.random() < 0.3) await sleep(Math.floor(Math.random() * 3));
        const shared = Math.random() < 0.2;
        const streamId = shared
          ? `${prefix}shared-${i % 3}`
          : `${prefix}w${w}-call-${Math.floor(Math.random() * 10)}`;
        const events = testEvents(Math.random() < 0.25 ? 1 + Math.ceil(Math.random() * 3) : 1);
        const expectedRevision: ExpectedRevision = shared
          ? 'any'
          : (revisions.get(streamId) ?? 'no_stream');
        const start = clock++;
        const result = await store.appendToStream(streamId, events, { expectedRevision });
        appends.push({ ids: events.map((e) => e.eventId), start, end: clock++ });
        if (!shared) revisions.set(streamId, result.revision);
      }
    };

    try {
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      const total = appends.reduce((n, a) => n + a.ids.length, 0);
      await eventually(
        () => delivered.length >= total,
        20_000,
        () => `${delivered.length}/${total} events`,
      );
      await sleep(50);

      // Once each, nothing missing, nothing extra.
      const deliveredIds = delivered.map((e) => e.eventId);
      expect(new Set(deliveredIds).size).toBe(deliveredIds.length);
      expect(delivered).toHaveLength(total);
      // Strictly increasing positions, and each stream's revisions in order without gaps.
      const nextRevision = new Map<string, number>();
      for (let i = 0; i < delivered.length; i += 1) {
        const event = delivered[i]!;
        if (i > 0)
          expect(store.comparePositions(delivered[i - 1]!.position, event.position)).toBeLessThan(
            0,
          );
        expect(event.revision).toBe(nextRevision.get(event.streamId) ?? 0);
        nextRevision.set(event.streamId, event.revision + 1);
      }
      // Never an event before one whose append had completed before its own append began.
      const index = new Map(deliveredIds.map((id, i) => [id, i]));
      const spans = appends.map((a) => {
        const at = a.ids.map((id) => index.get(id)!);
        return { start: a.start, end: a.end, first: Math.min(...at), last: Math.max(...at) };
      });
      let violations = 0;
      for (const later of spans) {
        for (const earlier of spans) {
          if (earlier.end < later.start && earlier.last > later.first) violations += 1;
        }
      }
      expect(violations).toBe(0);
      // The live feed is exactly what a reader sees afterwards.
      expect((await readWholeFeed(store, [prefix], 500)).map((e) => e.eventId)).toEqual(
        deliveredIds,
      );
    } finally {
      await subscription.close();
    }
  });

  it('starts a subscription after a position, and delivers nothing once closed', async () => {
    const prefix = uniquePrefix();
    const streamId = `${prefix}call`;
    await store.appendToStream(streamId, testEvents(3), { expectedRevision: 'no_stream' });
    const existing = await store.readStream(streamId);

    const received: RecordedEvent[] = [];
    const subscription = store.subscribe(
      { after: existing[1]!.position, streamPrefixes: [prefix] },
      async (events) => {
        received.push(...events);
      },
    );
    await eventually(
      () => received.length === 1,
      5000,
      () => 'the event after the position',
    );
    expect(received[0]!.eventId).toBe(existing[2]!.eventId);

    await store.appendToStream(streamId, testEvents(1), { expectedRevision: 2 });
    await eventually(
      () => received.length === 2,
      5000,
      () => 'the live event',
    );

    await subscription.close();
    await store.appendToStream(streamId, testEvents(1), { expectedRevision: 3 });
    await sleep(300);
    expect(received).toHaveLength(2);
  });

  it('delivers a batch again when the handler failed, skipping nothing', async () => {
    const prefix = uniquePrefix();
    const streamId = `${prefix}call`;
    await store.appendToStream(streamId, testEvents(4), { expectedRevision: 'no_stream' });

    let failures = 0;
    const received: string[] = [];
    const subscription = store.subscribe(
      { after: null, streamPrefixes: [prefix], batchSize: 2 },
      async (events) => {
        if (failures === 0 && received.length === 2) {
          failures += 1;
          throw new Error('projection hiccup');
        }
        received.push(...events.map((e) => e.eventId));
      },
    );
    try {
      await eventually(
        () => received.length === 4,
        5000,
        () => 'all four events',
      );
      expect(failures).toBe(1);
      expect(received).toEqual((await store.readStream(streamId)).map((e) => e.eventId));
    } finally {
      await subscription.close();
    }
  });

  it('chains every event to the one before it and verifies the chain', async () => {
    const streamId = `${uniquePrefix()}call`;
    await store.appendToStream(streamId, testEvents(2), { expectedRevision: 'no_stream' });
    await store.appendToStream(streamId, testEvents(3), { expectedRevision: 1 });
    const events = await store.readStream(streamId);

    expect(events[0]!.metadata.previousHash).toBeNull();
    for (let i = 1; i < events.length; i += 1) {
      expect(events[i]!.metadata.previousHash).toBe(events[i - 1]!.metadata.hash);
    }
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash))).toBe(true);
    expect(verifyStreamIntegrity(events)).toEqual({
      verified: true,
      checkedEvents: 5,
      brokenAt: null,
    });
  });

  it('reports the first broken revision after stored events were altered or removed', async () => {
    const tamper = subject.tamper;
    if (!tamper) {
      // This storage cannot be changed behind the store's back (EventStoreDB is immutable).
      return;
    }
    const altered = `${uniquePrefix()}call`;
    const removed = `${uniquePrefix()}call`;
    await store.appendToStream(altered, testEvents(5), { expectedRevision: 'no_stream' });
    await store.appendToStream(removed, testEvents(5), { expectedRevision: 'no_stream' });

    await tamper.alterEventData(altered, 2, { callId: 'forged', roundTripMs: 1 });
    await tamper.removeEvent(removed, 3);

    expect(verifyStreamIntegrity(await store.readStream(altered))).toEqual({
      verified: false,
      checkedEvents: 3,
      brokenAt: 2,
    });
    expect(verifyStreamIntegrity(await store.readStream(removed))).toEqual({
      verified: false,
      checkedEvents: 4,
      brokenAt: 3,
    });
  });
}
