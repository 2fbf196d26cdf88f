import { createHash, randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { chainHash } from '../../src/application/ledger/event-integrity.js';
import type { EventToAppend } from '../../src/application/ports/event-store.port.js';
import {
  ledgerAppendArguments,
  type LedgerAppendEvent,
} from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter.js';
import { PostgresLedgerTreeStore } from '../../src/infrastructure/ledger/postgres-ledger-tree-store.adapter.js';
import { testEvent, uniquePrefix } from '../support/event-store-fixtures.js';
import {
  ledgerRoleConnections,
  openLedgerRoleConnections,
  type OpenLedgerRoleConnections,
} from '../support/ledger-role-connections.js';
import { TEST_ROLES, type TestDatabase } from '../support/test-database.js';

const PERMISSION_DENIED = '42501';
const UNDEFINED_FUNCTION = '42883';
const APPEND_ONLY = 'LG001';
const NOT_AN_INSTANT = 'LG002';
const FAR_FROM_THE_CLOCK = 'LG003';
const NOT_A_CONTENT_HASH = 'LG004';
const WROTE_BEFORE_APPENDING = 'LG005';

const APPEND = 'SELECT out_revision::int AS revision FROM ledger_append($1, $2, $3)';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** What the event store sends `ledger_append` for these events, as objects to edit. */
function payload(streamId: string, events: readonly EventToAppend[]): LedgerAppendEvent[] {
  return JSON.parse(ledgerAppendArguments(streamId, events, 'any')[2]) as LedgerAppendEvent[];
}

function withMetadata(event: LedgerAppendEvent, metadata: Record<string, unknown>) {
  return { ...event, metadata: { ...event.metadata, ...metadata } };
}

describe('ledger_append checks what it is given (migration 009)', () => {
  const roles = ledgerRoleConnections();

  const append = (
    client: pg.Client,
    streamId: string,
    events: readonly unknown[],
    expectedRevision = -2,
  ) =>
    client.query<{ revision: number }>(APPEND, [
      streamId,
      expectedRevision,
      JSON.stringify(events),
    ]);

  async function eventsIn(streamId: string): Promise<number> {
    const { rows } = await roles.owner.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM ledger_events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.count ?? 0;
  }

  /** The append fails with `code` and a message matching `message`, and appends nothing. */
  async function expectRefused(
    streamId: string,
    events: readonly unknown[],
    code: string,
    message: RegExp,
  ): Promise<void> {
    const before = await eventsIn(streamId);
    await expect(append(roles.service, streamId, events)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    expect(await eventsIn(streamId)).toBe(before);
  }

  async function databaseNow(): Promise<number> {
    const { rows } = await roles.service.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return (rows[0] as { now: Date }).now.getTime();
  }

  describe('occurredAt', () => {
    it('is refused unless it is an ISO 8601 timestamp with a zone (LG002)', async () => {
      const streamId = `${uniquePrefix()}call`;
      const now = new Date().toISOString();
      const [good, template] = payload(streamId, [testEvent(), testEvent()]) as [
        LedgerAppendEvent,
        LedgerAppendEvent,
      ];
      const notInstants: unknown[] = [
        'now',
        'today',
        'epoch',
        '',
        now.slice(0, 19), // no zone: the session's time zone would decide
        now.replace('T', ' '),
        now.toLowerCase(),
        ` ${now}`,
        now.replace(/\.\d+Z$/, '.1234567Z'),
        `${now.slice(0, 4)}-02-30T12:00:00.000Z`,
        `${now.slice(0, 4)}-13-01T12:00:00.000Z`,
        `${now.slice(0, 10)}T25:00:00.000Z`,
        Date.now(),
        null,
      ];
      for (const occurredAt of notInstants) {
        await expectRefused(
          streamId,
          [good, withMetadata(template, { occurredAt })],
          NOT_AN_INSTANT,
          /^ledger_append: event 2 of 2: metadata.occurredAt is missing or not an ISO 8601 timestamp with a time zone/,
        );
      }
      const { occurredAt: _occurredAt, ...withoutOccurredAt } = template.metadata;
      await expectRefused(
        streamId,
        [{ ...template, metadata: withoutOccurredAt }],
        NOT_AN_INSTANT,
        /event 1 of 1: metadata.occurredAt is missing/,
      );
      await expectRefused(
        streamId,
        [{ ...template, metadata: 'not an object' }],
        NOT_AN_INSTANT,
        /event 1 of 1/,
      );
    });

    it('is refused more than 5 minutes ahead of the database clock or 24 hours behind it (LG003)', async () => {
      const streamId = `${uniquePrefix()}call`;
      const now = await databaseNow();
      const at = (ms: number) => testEvent({ occurredAt: new Date(now + ms) });
      await expectRefused(
        streamId,
        payload(streamId, [at(0), at(6 * 60_000)]),
        FAR_FROM_THE_CLOCK,
        /^ledger_append: event 2 of 2: occurredAt .* is more than 00:05:00 ahead of the database clock/,
      );
      await expectRefused(
        streamId,
        payload(streamId, [at(-25 * 3_600_000)]),
        FAR_FROM_THE_CLOCK,
        /^ledger_append: event 1 of 1: occurredAt .* is more than 24:00:00 behind the database clock/,
      );
      // Within the window, in any zone.
      const inTokyo = new Date(now + 9 * 3_600_000).toISOString().replace('Z', '+09:00');
      const batch = payload(streamId, [
        at(4 * 60_000),
        at(-23 * 3_600_000),
        testEvent({ metadata: { occurredAt: inTokyo } }),
      ]);
      await expect(append(roles.service, streamId, batch)).resolves.toMatchObject({
        rows: [{ revision: 2 }],
      });
      const { rows } = await roles.owner.query<{ occurred_at: Date }>(
        'SELECT occurred_at FROM ledger_events WHERE stream_id = $1 AND stream_revision = 2',
        [streamId],
      );
      expect(rows[0]?.occurred_at.getTime()).toBe(now);
    });

    it('has bounds its owner may widen, and the service may not', async () => {
      const monthAgo = () => testEvent({ occurredAt: new Date(Date.now() - 30 * 86_400_000) });
      const streamId = `${uniquePrefix()}history`;
      const widen = (client: pg.Client, behind: string) =>
        client.query(`
          CREATE OR REPLACE FUNCTION ledger_occurred_at_window(OUT ahead interval, OUT behind interval)
          LANGUAGE sql STABLE AS $$ SELECT interval '5 minutes', interval '${behind}' $$`);
      await expect(widen(roles.service, '1 year')).rejects.toMatchObject({
        code: PERMISSION_DENIED,
      });
      await expectRefused(
        streamId,
        payload(streamId, [monthAgo()]),
        FAR_FROM_THE_CLOCK,
        /more than 24:00:00 behind/,
      );
      await widen(roles.owner, '1 year');
      try {
        await expect(
          append(roles.service, streamId, payload(streamId, [monthAgo()])),
        ).resolves.toMatchObject({ rows: [{ revision: 0 }] });
      } finally {
        await widen(roles.owner, '24 hours');
      }
      await expectRefused(
        streamId,
        payload(streamId, [monthAgo()]),
        FAR_FROM_THE_CLOCK,
        /more than 24:00:00 behind/,
      );
    });
  });

  describe('contentHash', () => {
    it('is refused unless it is 64 lowercase hex digits (LG004)', async () => {
      const streamId = `${uniquePrefix()}call`;
      const [event] = payload(streamId, [testEvent()]) as [LedgerAppendEvent];
      const hash = event.contentHash;
      for (const contentHash of [
        hash.toUpperCase(),
        hash.slice(1),
        `${hash}0`,
        `${hash.slice(1)}g`,
        ` ${hash.slice(1)}`,
        '',
        null,
        42,
      ]) {
        await expectRefused(
          streamId,
          [{ ...event, contentHash }],
          NOT_A_CONTENT_HASH,
          /^ledger_append: event 1 of 1: contentHash is not a SHA-256 in 64 lowercase hex digits/,
        );
      }
      const { contentHash: _contentHash, ...withoutHash } = event;
      await expectRefused(streamId, [withoutHash], NOT_A_CONTENT_HASH, /contentHash/);
    });

    it('is the only hash taken from the caller: the chain hashes in metadata are computed', async () => {
      const streamId = `${uniquePrefix()}call`;
      const [event] = payload(streamId, [testEvent()]) as [LedgerAppendEvent];
      const forged = createHash('sha256').update('forged').digest('hex');
      await append(roles.service, streamId, [
        withMetadata(event, { hash: forged, previousHash: forged }),
      ]);
      const { rows } = await roles.owner.query<{ metadata: { hash: string; previousHash: null } }>(
        'SELECT metadata FROM ledger_events WHERE stream_id = $1',
        [streamId],
      );
      expect(rows[0]?.metadata).toMatchObject({
        hash: chainHash(null, event.contentHash),
        previousHash: null,
      });
    });
  });

  describe('in a transaction', () => {
    async function inTransaction(work: () => Promise<void>): Promise<void> {
      await roles.service.query('BEGIN');
      try {
        await work();
        await roles.service.query('COMMIT');
      } catch (error) {
        await roles.service.query('ROLLBACK');
        throw error;
      }
    }

    const wroteFirst =
      /^ledger_append: the transaction already has a transaction id \(it wrote, or appended to another stream\) before appending to stream .*: .* append first, in a transaction of its own/;

    it('is refused once the transaction has written, or has a transaction id (LG005)', async () => {
      const streamId = `${uniquePrefix()}call`;
      await expect(
        inTransaction(async () => {
          await roles.service.query(
            "INSERT INTO projection_checkpoints (name, position) VALUES ('probe', '1')",
          );
          await append(roles.service, streamId, payload(streamId, [testEvent()]));
        }),
      ).rejects.toMatchObject({
        code: WROTE_BEFORE_APPENDING,
        message: expect.stringMatching(wroteFirst),
      });
      await expect(
        inTransaction(async () => {
          await roles.service.query('SELECT pg_current_xact_id()');
          await append(roles.service, streamId, payload(streamId, [testEvent()]));
        }),
      ).rejects.toMatchObject({ code: WROTE_BEFORE_APPENDING });
      expect(await eventsIn(streamId)).toBe(0);
      const { rows } = await roles.owner.query(
        "SELECT 1 FROM projection_checkpoints WHERE name = 'probe'",
      );
      expect(rows).toEqual([]);
    });

    it('is taken first in a transaction, and again on the same stream, but not on another', async () => {
      const streamId = `${uniquePrefix()}call`;
      const other = `${uniquePrefix()}call`;
      await inTransaction(async () => {
        await append(roles.service, streamId, payload(streamId, [testEvent()]), -1);
        await append(roles.service, streamId, payload(streamId, [testEvent(), testEvent()]), 0);
      });
      const { rows } = await roles.owner.query<{ transactions: number; events: number }>(
        `SELECT count(DISTINCT transaction_id)::int AS transactions, count(*)::int AS events
           FROM ledger_events WHERE stream_id = $1`,
        [streamId],
      );
      expect(rows).toEqual([{ transactions: 1, events: 3 }]);

      await expect(
        inTransaction(async () => {
          await append(roles.service, streamId, payload(streamId, [testEvent()]), 2);
          await append(roles.service, other, payload(other, [testEvent()]));
        }),
      ).rejects.toMatchObject({
        code: WROTE_BEFORE_APPENDING,
        message: expect.stringMatching(other),
      });
      expect(await eventsIn(streamId)).toBe(3);
      expect(await eventsIn(other)).toBe(0);
    });
  });

  it('still runs as its owner, with the pinned search path, for the service and not for PUBLIC', async () => {
    const { rows } = await roles.owner.query(
      `SELECT p.prosecdef AS definer, p.proconfig AS config, pg_get_userbyid(p.proowner) AS owner,
              EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public,
              has_function_privilege($1, p.oid, 'EXECUTE') AS service
         FROM pg_proc p WHERE p.oid = 'ledger_append(text, bigint, jsonb)'::regprocedure`,
      [TEST_ROLES.service],
    );
    expect(rows).toEqual([
      {
        definer: true,
        config: ['search_path=public, pg_temp'],
        owner: TEST_ROLES.owner,
        public: false,
        service: true,
      },
    ]);
  });

  it('leaves the service no way around the checks: no append without them, the parts they use the owner’s alone', async () => {
    const streamId = `call-${randomUUID()}`;
    const unchecked = JSON.stringify(
      payload(streamId, [testEvent()]).map((event) => withMetadata(event, { occurredAt: 'epoch' })),
    );
    await expect(
      roles.service.query('SELECT * FROM ledger_occurred_at($1)', ['epoch']),
    ).rejects.toMatchObject({ code: PERMISSION_DENIED });
    await expect(
      roles.service.query('SELECT * FROM ledger_append_unchecked($1, -2, $2)', [
        streamId,
        unchecked,
      ]),
    ).rejects.toMatchObject({ code: UNDEFINED_FUNCTION });
    expect(await eventsIn(streamId)).toBe(0);
    const { rows } = await roles.owner.query<{ name: string; definer: boolean; service: boolean }>(
      `SELECT p.proname AS name, p.prosecdef AS definer,
              has_function_privilege($1, p.oid, 'EXECUTE') AS service
         FROM pg_proc p
        WHERE p.proname LIKE 'ledger_append%' AND p.pronamespace = current_schema()::regnamespace
        ORDER BY p.proname`,
      [TEST_ROLES.service],
    );
    expect(rows).toEqual([
      { name: 'ledger_append', definer: true, service: true },
      { name: 'ledger_append_batch', definer: true, service: true },
    ]);
  });
});

describe('ledger_append_batch appends many streams in one transaction (migration 014)', () => {
  const roles = ledgerRoleConnections();

  interface BatchRow {
    item: number;
    appended: boolean;
    revision: number | null;
    transaction: string | null;
  }

  const batch = (
    appends: ReadonlyArray<{ streamId: string; expectedRevision: number; events: unknown }>,
  ) =>
    roles.service.query<BatchRow>(
      `SELECT item, appended, out_revision::int AS revision, out_transaction_id::text AS transaction
         FROM ledger_append_batch($1) ORDER BY item`,
      [JSON.stringify(appends)],
    );

  const newStream = (events = [testEvent()]) => {
    const streamId = `${uniquePrefix()}call`;
    return { streamId, expectedRevision: -1, events: payload(streamId, events) };
  };

  it('appends each stream in one shared transaction, chained as ledger_append chains them', async () => {
    const first = newStream([testEvent(), testEvent()]);
    const second = newStream();
    const { rows } = await batch([first, second]);
    expect(rows.map(({ item, appended, revision }) => ({ item, appended, revision }))).toEqual([
      { item: 0, appended: true, revision: 1 },
      { item: 1, appended: true, revision: 0 },
    ]);
    expect(rows[0]?.transaction).toBe(rows[1]?.transaction);
    const stored = await roles.owner.query<{
      stream_id: string;
      hash: string;
      previous: string | null;
    }>(
      `SELECT stream_id, metadata->>'hash' AS hash, metadata->>'previousHash' AS previous
         FROM ledger_events WHERE stream_id IN ($1, $2) ORDER BY position`,
      [first.streamId, second.streamId],
    );
    const [a, b, c] = stored.rows;
    expect(a?.previous).toBeNull();
    expect(a?.hash).toBe(chainHash(null, first.events[0]?.contentHash ?? ''));
    expect(b?.hash).toBe(chainHash(a?.hash ?? null, first.events[1]?.contentHash ?? ''));
    expect(c?.hash).toBe(chainHash(null, second.events[0]?.contentHash ?? ''));
  });

  it('leaves out what ledger_append would refuse, and appends the rest', async () => {
    const good = newStream();
    const badInstant = newStream();
    const existing = newStream();
    await batch([existing]);
    const conflicting = { ...newStream(), streamId: existing.streamId, expectedRevision: -1 };
    const retried = existing;
    const { rows } = await batch([
      good,
      {
        ...badInstant,
        events: badInstant.events.map((event) => withMetadata(event, { occurredAt: 'today' })),
      },
      conflicting,
      retried,
      { streamId: 'not-events', expectedRevision: -1, events: 'none' },
    ]);
    expect(rows.map(({ appended, revision }) => ({ appended, revision }))).toEqual([
      { appended: true, revision: 0 },
      { appended: false, revision: null },
      { appended: false, revision: null },
      { appended: true, revision: 0 }, // an idempotent retry answers where it landed
      { appended: false, revision: null },
    ]);
    const counts = await roles.owner.query<{ stream_id: string; count: number }>(
      `SELECT stream_id, count(*)::int AS count FROM ledger_events
        WHERE stream_id IN ($1, $2, $3) GROUP BY stream_id`,
      [good.streamId, badInstant.streamId, existing.streamId],
    );
    expect(Object.fromEntries(counts.rows.map((row) => [row.stream_id, row.count]))).toEqual({
      [good.streamId]: 1,
      [existing.streamId]: 1,
    });
  });

  it('reads an occurredAt exactly as ledger_occurred_at does, on its fast path too', async () => {
    const texts = [
      '2024-02-29T12:00:00.000Z',
      '2026-02-29T12:00:00.000Z',
      '2026-01-31T23:59:59.999Z',
      '2026-04-31T00:00:00Z',
      '2026-04-30T00:00:00.5+15:59',
      '2026-06-01T00:00:00-16:00',
      '2026-06-01T00:00:00.123456-09:30',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999-15:59',
      '2026-06-01T24:00:00Z',
      '2026-06-01T12:60:00Z',
      '2026-06-01T12:00:60Z',
    ];
    const window = (ahead: string, behind: string) =>
      roles.owner.query(`
        CREATE OR REPLACE FUNCTION ledger_occurred_at_window(OUT ahead interval, OUT behind interval)
        LANGUAGE sql STABLE AS $$ SELECT interval '${ahead}', interval '${behind}' $$`);
    await window('8000 years', '6000 years');
    try {
      const appends = texts.map((occurredAt) => {
        const { streamId, events } = newStream();
        return {
          streamId,
          expectedRevision: -1,
          events: events.map((event) => withMetadata(event, { occurredAt })),
        };
      });
      const { rows } = await batch(appends);
      const readable = await roles.owner.query<{ readable: boolean }>(
        'SELECT ledger_occurred_at(t) IS NOT NULL AS readable FROM unnest($1::text[]) t',
        [texts],
      );
      expect(rows.map((row, i) => [texts[i], row.appended])).toEqual(
        readable.rows.map((row, i) => [texts[i], row.readable]),
      );
    } finally {
      await window('5 minutes', '24 hours');
    }
  });

  it('appends twice to one stream in order within a batch', async () => {
    const stream = newStream();
    const next = {
      ...stream,
      expectedRevision: 0,
      events: payload(stream.streamId, [testEvent()]),
    };
    const { rows } = await batch([stream, next]);
    expect(rows.map((row) => row.revision)).toEqual([0, 1]);
  });

  it('is refused inside a transaction that already has an id (LG005)', async () => {
    const stream = newStream();
    await roles.service.query('BEGIN');
    try {
      await roles.service.query('SELECT pg_current_xact_id()');
      await expect(batch([stream])).rejects.toMatchObject({ code: WROTE_BEFORE_APPENDING });
    } finally {
      await roles.service.query('ROLLBACK');
    }
    const { rows } = await roles.owner.query('SELECT 1 FROM ledger_events WHERE stream_id = $1', [
      stream.streamId,
    ]);
    expect(rows).toEqual([]);
  });

  it('never deadlocks: batches that share streams in opposite orders all commit', async () => {
    const streams = Array.from({ length: 6 }, () => `${uniquePrefix()}call`);
    const clients = await Promise.all(
      Array.from({ length: 4 }, () => connect(roles.database.serviceConnectionString)),
    );
    try {
      const rounds = 10;
      await Promise.all(
        clients.map(async (client, c) => {
          for (let round = 0; round < rounds; round++) {
            const order = c % 2 === 0 ? streams : [...streams].reverse();
            await client.query('SELECT * FROM ledger_append_batch($1)', [
              JSON.stringify(
                order.map((streamId) => ({
                  streamId,
                  expectedRevision: -2,
                  events: payload(streamId, [testEvent()]),
                })),
              ),
            ]);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const { rows } = await roles.owner.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM ledger_events WHERE stream_id = ANY($1)',
      [streams],
    );
    expect(rows[0]?.count).toBe(4 * 10 * streams.length);
  });
});

describe("the tree's tables (migration 009)", () => {
  let database: TestDatabase;
  let owner: pg.Client;
  let serviceKnex: Knex;
  const tree = new PostgresLedgerTreeStore();
  const hash = (text: string): Buffer => createHash('sha256').update(text).digest();
  const streamId = `call-${randomUUID()}`;

  let roles: OpenLedgerRoleConnections | undefined;

  beforeAll(async () => {
    roles = await openLedgerRoleConnections();
    ({ database, owner } = roles);
    serviceKnex = knexFactory({ client: 'pg', connection: database.serviceConnectionString });
    // As the tree builder writes them, as the service.
    await serviceKnex.transaction((trx) =>
      tree.write(trx, {
        leaves: [{ index: 0, position: '1', streamId, revision: 0, hash: hash('leaf') }],
        nodes: [{ level: 8, index: 0, hash: hash('node') }],
        checkpoints: [
          {
            treeSize: 1,
            rootHash: hash('root'),
            headsCount: 1,
            headsRoot: hash('heads'),
            note: 'note\n',
          },
        ],
        heads: [{ slot: 0, streamId, revision: 0, hash: 'a'.repeat(64) }],
      }),
    );
  });

  afterAll(async () => {
    await serviceKnex?.destroy();
    await roles?.close();
  });

  it.each([
    ['ledger_tree_leaves', 'leaf_hash'],
    ['ledger_tree_nodes', 'hash'],
    ['ledger_checkpoints', 'root_hash'],
  ])('keeps %s insert-only, even for the owner (LG001)', async (table, column) => {
    for (const [operation, sql] of [
      ['UPDATE', `UPDATE ${table} SET ${column} = ${column}`],
      ['DELETE', `DELETE FROM ${table}`],
      ['TRUNCATE', `TRUNCATE ${table}`],
    ] as const) {
      await expect(owner.query(sql)).rejects.toMatchObject({
        code: APPEND_ONLY,
        message: `${table} is append-only: ${operation} refused`,
      });
    }
    const { rows } = await owner.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${table}`,
    );
    expect(rows).toEqual([{ count: 1 }]);
  });

  it('lets the tree builder move a stream head forward in its slot, and nothing else (LG001)', async () => {
    const writeHead = (revision: number) =>
      serviceKnex.transaction((trx) =>
        tree.write(trx, {
          leaves: [],
          nodes: [],
          checkpoints: [],
          heads: [{ slot: 0, streamId, revision, hash: `${revision}`.padStart(64, '0') }],
        }),
      );
    await writeHead(3);
    const backwards = {
      code: APPEND_ONLY,
      message: expect.stringMatching(/may only move forward/),
    };
    await expect(writeHead(3)).rejects.toMatchObject(backwards);
    await expect(writeHead(2)).rejects.toMatchObject(backwards);
    await expect(
      owner.query(
        "UPDATE ledger_tree_heads SET stream_id = 'forged', stream_revision = stream_revision + 1",
      ),
    ).rejects.toMatchObject(backwards);
    await expect(
      owner.query('UPDATE ledger_tree_heads SET slot = 1 WHERE slot = 0'),
    ).rejects.toMatchObject(backwards);
    await expect(
      owner.query('UPDATE ledger_tree_heads SET stream_revision = 0 WHERE slot = 0'),
    ).rejects.toMatchObject(backwards);
    await expect(owner.query('DELETE FROM ledger_tree_heads')).rejects.toMatchObject({
      code: APPEND_ONLY,
      message: 'ledger_tree_heads is append-only: DELETE refused',
    });
    await expect(owner.query('TRUNCATE ledger_tree_heads')).rejects.toMatchObject({
      code: APPEND_ONLY,
      message: 'ledger_tree_heads is append-only: TRUNCATE refused',
    });
    const heads = await serviceKnex.transaction((trx) => tree.heads(trx));
    expect(heads).toEqual([{ slot: 0, streamId, revision: 3, hash: '3'.padStart(64, '0') }]);
  });
});
