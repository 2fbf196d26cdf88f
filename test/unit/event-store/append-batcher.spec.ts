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
const append = (streamId: string): PendingAppend => ({
  streamId,
  expectedRevision: -1,
  eventsJson: '[]',
});
const streams = (held: ReadonlyArray<Held<unknown>>) =>
  held.map((statement) => statement.appends.map((pending) => pending.streamId));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AppendBatcher', () => {
  let alone: Array<Held<AppendedAt>>;
  let together: Array<Held<ReadonlyArray<AppendedAt | null>>>;
  let batcher: AppendBatcher;

  beforeEach(() => {
    alone = [];
    together = [];
    batcher = new AppendBatcher({
      appendAlone: (pending) => deferred([pending], alone),
      appendTogether: (appends) => deferred(appends, together),
      maxInFlight: 2,
      maxBatch: 3,
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

  it('appends what a batch left out alone, in arrival order, with its own answer', async () => {
    const running = [batcher.append(append('a')), batcher.append(append('b'))];
    const refused = new Error('wrong revision');
    const waiting = ['c', 'd', 'e'].map((id) => batcher.append(append(id)));
    const refusedAlone = expect(waiting[0]).rejects.toBe(refused);
    alone[0]?.finish(at('a'));
    alone[1]?.finish(at('b'));
    await settle();
    together[0]?.finish([null, at('d'), null]);
    await settle();
    expect(streams(alone).slice(2)).toEqual([['c']]);
    await expect(waiting[1]).resolves.toEqual(at('d'));
    alone[2]?.fail(refused);
    await settle();
    expect(streams(alone).slice(2)).toEqual([['c'], ['e']]);
    alone[3]?.finish(at('e'));
    await expect(Promise.all(running)).resolves.toEqual([at('a'), at('b')]);
    await refusedAlone;
    await expect(waiting[2]).resolves.toEqual(at('e'));
  });

  it('appends everything alone when the batch fails as a whole', async () => {
    const running = [batcher.append(append('a')), batcher.append(append('b'))];
    const waiting = ['c', 'd'].map((id) => batcher.append(append(id)));
    alone[0]?.finish(at('a'));
    alone[1]?.finish(at('b'));
    await settle();
    together[0]?.fail(new Error('connection lost'));
    await settle();
    alone[2]?.finish(at('c'));
    await settle();
    alone[3]?.finish(at('d'));
    await expect(Promise.all([...running, ...waiting])).resolves.toEqual(
      ['a', 'b', 'c', 'd'].map(at),
    );
    expect(streams(alone)).toEqual([['a'], ['b'], ['c'], ['d']]);
  });
});
