import { loadStream, type StreamModel } from '../../../src/application/command-runner.js';
import type { RecordedEvent } from '../../../src/application/ports/event-store.port.js';
import { StreamStateCache } from '../../../src/application/stream-state-cache.js';
import type { DomainEvent } from '../../../src/domain/shared/event.js';
import { testEvents } from '../../support/event-store-fixtures.js';
import { InMemoryEventStore } from '../../support/in-memory-event-store.js';

/** The state is the list of revisions folded, so a test sees what was folded and in which order. */
const model: StreamModel<DomainEvent, readonly number[]> = {
  initialState: () => [],
  evolve: (state, event) => [...state, Number(event.data['n'])],
};

/** The store, with the revisions each readStream returned. */
class ReadLog extends InMemoryEventStore {
  readonly reads: number[][] = [];
  override async readStream(
    ...args: Parameters<InMemoryEventStore['readStream']>
  ): Promise<RecordedEvent[]> {
    const events = await super.readStream(...args);
    this.reads.push(events.map((event) => event.revision));
    return events;
  }
}

async function append(store: InMemoryEventStore, streamId: string, from: number, count: number) {
  const events = testEvents(count).map((event, index) => ({
    ...event,
    data: { n: from + index },
  }));
  await store.appendToStream(streamId, events, { expectedRevision: 'any' });
}

describe('loading a stream through a StreamStateCache', () => {
  it('folds the whole stream once, then only what was appended since', async () => {
    const store = new ReadLog();
    const cache = new StreamStateCache<readonly number[]>(10);
    await append(store, 's-1', 0, 3);
    expect((await loadStream(store, model, 's-1', undefined, cache)).state).toEqual([0, 1, 2]);
    await append(store, 's-1', 3, 2);
    const loaded = await loadStream(store, model, 's-1', undefined, cache);
    expect(loaded).toMatchObject({ state: [0, 1, 2, 3, 4], revision: 4 });
    expect(await loadStream(store, model, 's-1', undefined, cache)).toMatchObject({ revision: 4 });
    expect(store.reads).toEqual([[0, 1, 2], [3, 4], []]);
  });

  it('folds the whole stream again when its next event does not chain to the cached one', async () => {
    const store = new ReadLog();
    const cache = new StreamStateCache<readonly number[]>(10);
    await append(store, 's-1', 0, 2);
    await loadStream(store, model, 's-1', undefined, cache);
    const cached = cache.get('s-1');
    if (!cached) throw new Error('expected a cached state');
    // A fold that is not the ledger's (say a stream rewritten under it) must not survive.
    cache.set('s-1', { ...cached, state: [7, 7], hash: 'f'.repeat(64) });
    await append(store, 's-1', 2, 1);
    expect((await loadStream(store, model, 's-1', undefined, cache)).state).toEqual([0, 1, 2]);
    expect(store.reads.at(-2)).toEqual([2]);
    expect(store.reads.at(-1)).toEqual([0, 1, 2]);
  });

  it('keeps the most recently used streams, and never a fold older than the one it holds', () => {
    const cache = new StreamStateCache<readonly number[]>(2);
    const entry = (revision: number) => ({ state: [revision], revision, position: null, hash: '' });
    cache.set('a', entry(1));
    cache.set('b', entry(1));
    cache.get('a');
    cache.set('c', entry(1));
    expect([cache.get('a')?.revision, cache.get('b'), cache.get('c')?.revision]).toEqual([
      1,
      undefined,
      1,
    ]);
    cache.set('a', entry(5));
    cache.set('a', entry(3));
    expect(cache.get('a')?.revision).toBe(5);
  });
});
