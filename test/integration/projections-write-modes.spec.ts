import type { Knex } from 'knex';
import type { RecordedEvent } from '../../src/application/ports/event-store.port.js';
import {
  CALL_READ_MODEL_TABLES,
  callReadModelsProjection,
  type CallReadModelTables,
} from '../../src/projections/call-read-models.projection.js';
import type { Projection } from '../../src/projections/projection.js';
import { CallHistory, appendCommits } from '../../bench/projections-history.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { readWholeFeed } from '../support/read-whole-feed.js';
import { READ_MODEL_TABLES, differences, openKnex } from './projections-support.js';

const suffixed = (suffix: string): CallReadModelTables => ({
  calls: `${CALL_READ_MODEL_TABLES.calls}${suffix}`,
  participants: `${CALL_READ_MODEL_TABLES.participants}${suffix}`,
  recordings: `${CALL_READ_MODEL_TABLES.recordings}${suffix}`,
  qualitySamples: `${CALL_READ_MODEL_TABLES.qualitySamples}${suffix}`,
  dailyStats: `${CALL_READ_MODEL_TABLES.dailyStats}${suffix}`,
});

describe('call read models: live and write-behind writes over the same fold', () => {
  let ledger: PostgresLedger;
  let knex: Knex;
  let events: RecordedEvent[];

  beforeAll(async () => {
    ledger = await createPostgresLedger({ idleReadMs: 50 });
    // The generated history is dated in the past.
    await acceptAnyOccurredAt(ledger.database.connectionString);
    knex = openKnex(ledger.database.connectionString);
    const history = new CallHistory({ calls: 120, windowCalls: 40, seed: 11 });
    for (const commits of history.windows()) await appendCommits(ledger.store, commits);
    events = await readWholeFeed(
      ledger.store,
      ledger.pool,
      callReadModelsProjection().streamPrefixes ?? [],
    );
    for (const suffix of ['_live', '_behind']) {
      for (const { table } of READ_MODEL_TABLES) {
        await knex.raw(`CREATE TABLE "${table}${suffix}" (LIKE "${table}" INCLUDING ALL)`);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await knex?.destroy();
    await ledger?.cleanup();
  });

  async function applyInBatches(projection: Projection, size: number): Promise<void> {
    for (let i = 0; i < events.length; i += size) {
      await knex.transaction((trx) => projection.apply(trx, events.slice(i, i + size)));
    }
    await knex.transaction(async (trx) => projection.flush?.(trx));
  }

  it('write the same rows for the same events, whatever the cache keeps', async () => {
    expect(events.length).toBeGreaterThan(500);
    await applyInBatches(callReadModelsProjection({ tables: suffixed('_live') }), 97);
    // A cache far smaller than the calls in progress: rows are written as calls are evicted.
    await applyInBatches(
      callReadModelsProjection({ tables: suffixed('_behind'), writeBehind: true, cachedCalls: 7 }),
      61,
    );
    const rows = await knex(`${CALL_READ_MODEL_TABLES.calls}_behind`).count<{ n: string }[]>(
      '* as n',
    );
    expect(Number(rows[0]?.n)).toBe(120);
    expect(await differences(knex, '_live', '_behind')).toEqual({});
  }, 120_000);
});
