import type { Knex } from 'knex';
import type { Migration } from './migration.js';

/**
 * The ledger: an append-only event table, a stream table (current revision and last chain hash)
 * and `ledger_append`, which appends a batch to one stream in a single statement.
 *
 * SQLSTATEs raised here:
 * - LG409 wrong expected revision; DETAIL carries the actual revision (-1: no stream). The adapter
 *   turns it into WrongExpectedRevisionError.
 * - LG410 some, but not all, of the batch's event ids are already in the stream.
 * - LG001 an UPDATE, DELETE or TRUNCATE of ledger_events (append-only; disabling the trigger
 *   ledger_events_append_only is the only way round it, and the hash chain then shows the change).
 */
export const ledgerEventsMigration: Migration = {
  name: '001-ledger-events',

  async up(knex: Knex): Promise<void> {
    // Raw SQL: knex's builder has no xid8 type, and the primary key is the feed order itself.
    // The writing transaction's id comes first: the gap-safe feed is ordered by
    // (transaction_id, position), never by position alone (docs/architecture.md, "The event store").
    await knex.raw(`
      CREATE TABLE ledger_events (
        position bigserial NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_revision bigint NOT NULL,
        type text NOT NULL,
        version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_events_pkey PRIMARY KEY (transaction_id, position),
        CONSTRAINT ledger_events_event_id_key UNIQUE (event_id),
        CONSTRAINT ledger_events_stream_revision_key UNIQUE (stream_id, stream_revision)
      )`);

    await knex.schema.createTable('ledger_streams', (table) => {
      table.text('stream_id').primary();
      table.bigInteger('revision').notNullable();
      table.text('last_hash');
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    // Room on each page for the per-append update to stay a heap-only (HOT) update.
    await knex.raw('ALTER TABLE ledger_streams SET (fillfactor = 70)');

    await knex.raw(`
      CREATE FUNCTION ledger_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_events is append-only: % refused', TG_OP
          USING ERRCODE = 'LG001';
      END;
      $$`);
    await knex.raw(`
      CREATE TRIGGER ledger_events_append_only
        BEFORE UPDATE OR DELETE ON ledger_events
        FOR EACH ROW EXECUTE FUNCTION ledger_events_refuse_change()`);
    await knex.raw(`
      CREATE TRIGGER ledger_events_no_truncate
        BEFORE TRUNCATE ON ledger_events
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_refuse_change()`);

    // p_expected_revision: -2 any, -1 no stream, n >= 0 exactly n.
    // p_events: [{ eventId, type, version, data, metadata, contentHash }] in revision order.
    // The chain hash is sha256hex(previousHash || ':' || contentHash), see event-integrity.ts.
    // No NOTIFY in here: a notifying transaction takes a database-wide lock through its commit,
    // which serialises all appending commits (measured: 32 appenders fell to half of Emmett's
    // rate). The adapter notifies after the commit instead, coalescing concurrent appends.
    await knex.raw(ledgerAppendFunction('ledger_append'));
  },

  async down(knex: Knex): Promise<void> {
    await knex.raw('DROP FUNCTION IF EXISTS ledger_append(text, bigint, jsonb)');
    await knex.schema.dropTableIfExists('ledger_events');
    await knex.schema.dropTableIfExists('ledger_streams');
    await knex.raw('DROP FUNCTION IF EXISTS ledger_events_refuse_change()');
  },
};

/**
 * The first key of every stream lock (`pg_advisory_xact_lock(keyspace, hashtext(stream_id))`):
 * 'LEDG'. Every append takes its streams' locks in this keyspace, alone or in a batch.
 */
export const STREAM_LOCK_KEYSPACE = 1279607879;

/**
 * Reads the stream's revision and last hash into `v_current` and `v_hash` (-1 and null for a new
 * stream), and counts in `v_found` the events of `p_events` already in the stream, the newest at
 * `v_revision`: an idempotent retry, only possible when the stream exists and the caller's
 * expectation does not match (or there is none); 0 otherwise. Shared with 014-ledger-append-batch.
 */
export const READ_STREAM_AND_COUNT_PRESENT = `
        SELECT s.revision, s.last_hash INTO v_current, v_hash
          FROM ledger_streams s WHERE s.stream_id = p_stream_id;
        IF NOT FOUND THEN
          v_current := -1;
          v_hash := NULL;
        END IF;
        v_found := 0;
        IF v_current >= 0 AND (p_expected_revision = -2 OR p_expected_revision <> v_current) THEN
          SELECT count(*)::integer, max(e.stream_revision) INTO v_found, v_revision
            FROM ledger_events e
           WHERE e.event_id IN (SELECT (x->>'eventId')::uuid FROM jsonb_array_elements(p_events) x)
             AND e.stream_id = p_stream_id;
        END IF;`;

/** The variables CHAIN_AND_INSERT uses, besides `v_count` and `v_event`. */
export const CHAIN_AND_INSERT_VARIABLES = `
        v_current bigint;
        v_hash text;
        v_previous text[] := '{}';
        v_hashes text[] := '{}';
        v_revision bigint;`;

/**
 * The append itself, once the stream's revision and last hash are in `v_current` and `v_hash` and
 * the expectation is met: chains the events, inserts them and moves the stream's head. Shared with
 * the append of 014-ledger-append-batch, so both chain and store events alike.
 */
export const CHAIN_AND_INSERT = `
        FOR i IN 0 .. v_count - 1 LOOP
          v_previous := v_previous || v_hash;
          v_hash := encode(sha256(convert_to(
            coalesce(v_hash, '') || ':' || (p_events->i->>'contentHash'), 'UTF8')), 'hex');
          v_hashes := v_hashes || v_hash;
        END LOOP;

        IF v_count = 1 THEN
          -- The common case, without the set-returning machinery.
          v_event := p_events->0;
          INSERT INTO ledger_events
            (event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at)
          VALUES ((v_event->>'eventId')::uuid,
                  p_stream_id,
                  v_current + 1,
                  v_event->>'type',
                  (v_event->>'version')::integer,
                  v_event->'data',
                  (v_event->'metadata')
                    || jsonb_build_object('hash', v_hashes[1], 'previousHash', v_previous[1]),
                  (v_event->'metadata'->>'occurredAt')::timestamptz)
          RETURNING position INTO out_position;
        ELSE
          WITH inserted AS (
            INSERT INTO ledger_events
              (event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at)
            SELECT (x->>'eventId')::uuid,
                   p_stream_id,
                   v_current + n,
                   x->>'type',
                   (x->>'version')::integer,
                   x->'data',
                   (x->'metadata')
                     || jsonb_build_object('hash', v_hashes[n], 'previousHash', v_previous[n]),
                   (x->'metadata'->>'occurredAt')::timestamptz
              FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(x, n)
             ORDER BY n
            RETURNING position
          )
          SELECT max(position) INTO out_position FROM inserted;
        END IF;

        v_revision := v_current + v_count;
        IF v_current < 0 THEN
          INSERT INTO ledger_streams (stream_id, revision, last_hash)
            VALUES (p_stream_id, v_revision, v_hash);
        ELSE
          UPDATE ledger_streams
             SET revision = v_revision, last_hash = v_hash, updated_at = now()
           WHERE stream_id = p_stream_id;
        END IF;

        out_revision := v_revision;
        out_transaction_id := pg_current_xact_id();`;

/** `ledger_append` as this migration creates it, under `name`. */
export function ledgerAppendFunction(name: string): string {
  return `
      CREATE FUNCTION ${name}(
        p_stream_id text,
        p_expected_revision bigint,
        p_events jsonb,
        OUT out_revision bigint,
        OUT out_transaction_id xid8,
        OUT out_position bigint
      )
      LANGUAGE plpgsql AS $$
      DECLARE
        v_count integer := jsonb_array_length(p_events);${CHAIN_AND_INSERT_VARIABLES}
        v_found integer;
        v_event jsonb;
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'ledger_append: no events' USING ERRCODE = 'invalid_parameter_value';
        END IF;

        -- Appends to one stream queue here, before this transaction has an id. (Waiting on the
        -- stream row instead would not do: a row-lock wait behind an updater assigns the waiter a
        -- transaction id before the lock is granted, so a later revision could get an older
        -- transaction id, and the feed, ordered by transaction id, would deliver it first.)
        -- The lock is released after commit, so the next appender reads this one's result and
        -- gets a newer transaction id. Two-key form: a keyspace apart from single-key advisory
        -- locks. Unrelated streams that share a hash merely queue together.
        PERFORM pg_advisory_xact_lock(${STREAM_LOCK_KEYSPACE}, hashtext(p_stream_id));

${READ_STREAM_AND_COUNT_PRESENT}
        IF v_found > 0 THEN
          IF v_found = v_count THEN
            SELECT e.stream_revision, e.transaction_id, e.position
              INTO out_revision, out_transaction_id, out_position
              FROM ledger_events e
             WHERE e.stream_id = p_stream_id AND e.stream_revision = v_revision;
            RETURN;
          ELSE
            RAISE EXCEPTION 'ledger_append: % of % events are already in stream %',
              v_found, v_count, p_stream_id
              USING ERRCODE = 'LG410';
          END IF;
        END IF;

        IF p_expected_revision <> -2 AND p_expected_revision <> v_current THEN
          RAISE EXCEPTION 'ledger_append: stream % is at %, expected %',
            p_stream_id, v_current, p_expected_revision
            USING ERRCODE = 'LG409', DETAIL = v_current::text;
        END IF;
${CHAIN_AND_INSERT}
      END;
      $$`;
}
