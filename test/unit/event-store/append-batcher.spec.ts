import {
  AppendBatcher,
  type AppendedAt,
  type PendingAppend,
} from '../../../src/infrastructure/event-store/postgres/append-batcher.js';

/** A statement the test completes by hand. */
interface Held<T> {
  readonly appends: readonly PendingAppend[];
  finish(value: T): void;
  fail(error: Error): void;
}

function deferred<T>(appends: readonly PendingAppend[], held: Array<Held<T>>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    held.push({ appends, finish: resolve, fail: reject });
  });
}

const at = (streamId: string): AppendedAt => ({
  revision: '0',
  transactionId: '7',
  position: streamId.length.toString(),
});
const append = (streamId: string, expectedRevision = -1): PendingAppend => ({
  streamId,
  expectedRevision,
  eventsJson: '[]',
});
const streams = (held: ReadonlyArray<Held<unknown>>) =>
  held.map((statement) => statement.appends.map((pending) => pending.streamId));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AppendBatcher', () => {
  let alone: Array<Held<AppendedAt>>;
  let together: Array<Held<ReadonlyArray<AppendedAt | null>>>;
  let batchFailures: unknown[];
  let batcher: AppendBatcher;

  beforeEach(() => {
    alone = [];
    together = [];
    batchFailures = [];
    batcher = new AppendBatcher({
      appendAlone: (pending) => deferred([pending], alone),
      appendTogether: (appends) => deferred(appends, together),
      maxInFlight: 2,
      maxBatch: 3,
      onBatchFailed: (error) => batchFailures.push(error),
    });
  });

  it('sends appends alone at once while a statement slot is free', async () => {
    const first = batcher.append(append('a'));
    const second = batcher.append(append('b'));
    expect(streams(alone)).toEqual([['a'], ['b']]);
    expect(together).toEqual([]);
    alone[0]?.finish(at('a'));
    alone[1]?.finish(at('b'));
    await expect(Promise.all([first, second])).resolves.toEqual([at('a'), at('b')]);
  });

  it('sends the appends that waited for a slot together, at most maxBatch at a time', async () => {
    const running = [batcher.append(append('a')), batcher.append(append('b'))];
    const waiting = ['c', 'd', 'e', 'f'].map((id) => batcher.append(append(id)));
    expect(together).toEqual([]);
    alone[0]?.finish(at('a'));
    await settle();
    expect(streams(together)).toEqual([['c', 'd', 'e']]);
    alone[1]?.finish(at('b'));
    await settle();
    // One left: it goes alone.
    expect(streams(alone)).toEqual([['a'], ['b'], ['f']]);
    together[0]?.finish([at('c'), at('d'), at('e')]);
    alone[2]?.finish(at('f'));
    await expect(Promise.all([...running, ...waiting])).resolves.toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].map(at),
    );
  });

  it('appends what a batch left out alone, each with its own answer, the streams side by side', async () => {
    const running = [batcher.append(append('a')), batcher.append(append('b'))];
    const refused = new Error('wrong revision');
    const waiting = ['c', 'd', 'e'].map((id) => batcher.append(append(id)));
    const refusedAlone = expect(waiting[0]).rejects.toBe(refused);
    alone[0]?.finish(at('a'));
    alone[1]?.finish(at('b'));
    await settle();
    together[0]?.finish([null, at('d'), null]);
    await settle();
    await expect(waiting[1]).resolves.toEqual(at('d'));
    expect(streams(alone).slice(2)).toEqual([['c'], ['e']]);
    alone[2]?.fail(refused);
    alone[3]?.finish(at('e'));
    await expect(Promise.all(running)).resolves.toEqual([at('a'), at('b')]);
    await refusedAlone;
    await expect(waiting[2]).resolves.toEqual(at('e'));
    expect(batchFailures).toEqual([]);
  });

  it('appends what a batch left out of one stream one after another, in arrival order', async () => {
    const running = [batcher.append(append('a')), batcher.append(append('b'))];
    const waiting = [batcher.append(append('s', 0)), batcher.append(append('s', 1))];
    alone[0]?.finish(at('a'));
    alone[1]?.finish(at('b'));
    await settle();
    together[0]?.finish([null, null]);
    await settle();
    expect(alone.slice(2).map((held) => held.appends[0]?.expectedRevision)).toEqual([0]);
    alone[2]?.finish(at('s'));
    await settle();
    expect(alone.slice(2).map((held) => held.appends[0]?.expectedRevision)).toEqual([0, 1]);
    alone[3]?.finish(at('s'));
    await expect(Promise.all([...running, ...waiting])).resolves.toEqual(
      ['a', 'b', 's', 's'].map(at),
    );
  });

  it('appends everything alone when the batch fails as a whole, and says so', async () => {
    const running = [batcher.append(append('a')), batcher.append(append('b'))];
    const waiting = ['c', 'd'].map((id) => batcher.append(append(id)));
    alone[0]?.finish(at('a'));
    alone[1]?.finish(at('b'));
    await settle();
    const lost = new Error('connection lost');
    together[0]?.fail(lost);
    await settle();
    expect(batchFailures).toEqual([lost]);
    expect(streams(alone)).toEqual([['a'], ['b'], ['c'], ['d']]);
    alone[2]?.finish(at('c'));
    alone[3]?.finish(at('d'));
    await expect(Promise.all([...running, ...waiting])).resolves.toEqual(
      ['a', 'b', 'c', 'd'].map(at),
    );
  });

  it('is idle once nothing waits and nothing is in flight', async () => {
    await batcher.idle();
    const first = batcher.append(append('a'));
    let idle = false;
    const whenIdle = batcher.idle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);
    alone[0]?.finish(at('a'));
    await first;
    await whenIdle;
    expect(idle).toBe(true);
  });

  it('needs at least one statement in flight and one append per batch', () => {
    const options = {
      appendAlone: () => Promise.resolve(at('x')),
      appendTogether: () => Promise.resolve([]),
      onBatchFailed: () => undefined,
    };
    expect(() => new AppendBatcher({ ...options, maxInFlight: 0, maxBatch: 3 })).toThrow(
      RangeError,
    );
    expect(() => new AppendBatcher({ ...options, maxInFlight: 1, maxBatch: 0 })).toThrow(
      RangeError,
    );
  });
});
