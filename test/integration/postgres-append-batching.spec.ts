import pg from 'pg';
import {
  WrongExpectedRevisionError,
  type AppendResult,
} from '../../src/application/ports/event-store.port.js';
import { decodePositionPair } from '../../src/infrastructure/event-store/pair-position.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { testEvent, testEvents, uniquePrefix } from '../support/event-store-fixtures.js';

const NOT_AN_INSTANT = 'LG002';

/** The outcome of an append, as a caller sees it. */
async function outcome(append: Promise<AppendResult>): Promise<string> {
  try {
    const { revision } = await append;
    return `revision ${revision}`;
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return `wrong revision ${error.actual}`;
    if (error instanceof pg.DatabaseError) return `refused ${error.code}`;
    throw error;
  }
}

describe('PostgresEventStore: appends that arrive together commit together', () => {
  let ledger: PostgresLedger;

  beforeAll(async () => {
    ledger = await createPostgresLedger({ onError: () => undefined, maxConcurrentAppends: 1 });
  });

  afterAll(async () => {
    await ledger?.cleanup();
  });

  async function transactionsOf(streamIds: readonly string[]): Promise<number> {
    const { rows } = await ledger.pool.query<{ transactions: number }>(
      'SELECT count(DISTINCT transaction_id)::int AS transactions FROM ledger_events WHERE stream_id = ANY($1)',
      [streamIds],
    );
    return rows[0]?.transactions ?? 0;
  }

  it('shares commits between concurrent appends, each answering as it would alone', async () => {
    const prefix = uniquePrefix();
    const streams = Array.from({ length: 40 }, (_, i) => `${prefix}call-${i}`);
    const results = await Promise.all(
      streams.map((streamId) =>
        ledger.store.appendToStream(streamId, testEvents(2), { expectedRevision: 'no_stream' }),
      ),
    );
    expect(results.map((result) => result.revision)).toEqual(streams.map(() => 1));
    // Forty appends, far fewer commits: all but the first waited and went together.
    expect(await transactionsOf(streams)).toBeLessThan(10);
    const positions = results.map((result) => decodePositionPair(result.position));
    for (const [i, streamId] of streams.entries()) {
      const stored = await ledger.store.readStream(streamId);
      expect(stored.map((event) => event.revision)).toEqual([0, 1]);
      expect(decodePositionPair(stored[1]?.position ?? '')).toEqual(positions[i]);
    }
  });

  it('gives a conflict, a refused event and an idempotent retry in a batch the answers they get alone', async () => {
    const prefix = uniquePrefix();
    const existing = `${prefix}existing`;
    const first = testEvent();
    await ledger.store.appendToStream(existing, [first], { expectedRevision: 'no_stream' });
    const outcomes = await Promise.all([
      // Occupies the one slot, so that the rest wait and go as one batch.
      outcome(
        ledger.store.appendToStream(`${prefix}a`, [testEvent()], { expectedRevision: 'no_stream' }),
      ),
      outcome(
        ledger.store.appendToStream(existing, [testEvent()], { expectedRevision: 'no_stream' }),
      ),
      outcome(
        ledger.store.appendToStream(
          `${prefix}bad`,
          [testEvent({ metadata: { occurredAt: 'yesterday' } })],
          { expectedRevision: 'no_stream' },
        ),
      ),
      outcome(ledger.store.appendToStream(existing, [first], { expectedRevision: 'any' })),
      outcome(ledger.store.appendToStream(existing, [testEvent()], { expectedRevision: 0 })),
      outcome(
        ledger.store.appendToStream(`${prefix}b`, [testEvent()], { expectedRevision: 'no_stream' }),
      ),
    ]);
    expect(outcomes).toEqual([
      'revision 0',
      // Left out of the batch and appended alone after it: by then the stream is at 1.
      'wrong revision 1',
      `refused ${NOT_AN_INSTANT}`,
      'revision 0',
      'revision 1',
      'revision 0',
    ]);
    expect((await ledger.store.readStream(`${prefix}bad`)).length).toBe(0);
    expect((await ledger.store.readStream(existing)).map((event) => event.revision)).toEqual([
      0, 1,
    ]);
  });

  it('appends everything alone when a batch fails as a whole', async () => {
    const prefix = uniquePrefix();
    const shared = testEvent();
    // The same event id in two streams: the batch's insert fails, so each is tried alone.
    const outcomes = await Promise.all([
      outcome(
        ledger.store.appendToStream(`${prefix}first`, [testEvent()], {
          expectedRevision: 'no_stream',
        }),
      ),
      outcome(
        ledger.store.appendToStream(`${prefix}one`, [shared], { expectedRevision: 'no_stream' }),
      ),
      outcome(
        ledger.store.appendToStream(`${prefix}two`, [shared], { expectedRevision: 'no_stream' }),
      ),
      outcome(
        ledger.store.appendToStream(`${prefix}three`, [testEvent()], {
          expectedRevision: 'no_stream',
        }),
      ),
    ]);
    // Alone, the two streams go side by side: one of them takes the id, the other is refused.
    const [first, one, two, three] = outcomes;
    expect([first, three]).toEqual(['revision 0', 'revision 0']);
    expect([one, two].sort()).toEqual(['refused 23505', 'revision 0']);
  });
});
