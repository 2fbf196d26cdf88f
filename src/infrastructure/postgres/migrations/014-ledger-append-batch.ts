import type { Knex } from 'knex';
import pg from 'pg';
import { currentSchema } from '../current-schema.js';
import {
  CHAIN_AND_INSERT,
  CHAIN_AND_INSERT_VARIABLES,
  ledgerAppendFunction,
  READ_STREAM_AND_COUNT_PRESENT,
  STREAM_LOCK_KEYSPACE,
} from './001-ledger-events.js';
import {
  CHECKED_APPEND,
  CHECKED_APPEND_HEAD,
  TRANSACTION_ID_CHECK,
} from './009-ledger-append-checks.js';
import type { Migration } from './migration.js';

/**
 * Appends that arrive together share one transaction (docs/architecture.md, "The event store"):
 * `ledger_append_batch` appends to many streams in one statement and one commit, with exactly the
 * checks and the chain of `ledger_append`. Both are written from the same parts (FIND_PROBLEM,
 * APPEND_TO_LOCKED_STREAM, and from 001-ledger-events READ_STREAM_AND_COUNT_PRESENT,
 * CHAIN_AND_INSERT and STREAM_LOCK_KEYSPACE), so there is one set of rules. Each is one
 * PL/pgSQL function with the parts written out in it rather than called, since a call costs its
 * set-up again in every transaction.
 *
 * - `ledger_append` behaves as 009-ledger-append-checks made it: LG002, LG003, LG004, LG005, then
 *   the stream lock, then LG409 (with the actual revision as DETAIL) or LG410. An empty (or null)
 *   events array is refused first now, before LG005 (22023, 'no events'); the store never sends
 *   one. An `occurredAt` as `Date.toISOString` writes it, in range, is now cast directly; any
 *   other form still goes through `ledger_occurred_at`, whose exception handler (a subtransaction)
 *   is only paid for unusual forms.
 * - `ledger_append_batch(appends)` takes `[{ streamId, expectedRevision, events }]` and answers one
 *   row per append, in order: appended (with its revision and position) or not. It must run in a
 *   transaction of its own (LG005 otherwise). It takes every stream's lock before anything gives
 *   the transaction its id, so the id is newer than each stream's previous append, as the feed's
 *   order needs; and it takes them in one global order (by lock key), so two batches never wait
 *   for each other. An append it leaves out (refused by a check, a wrong revision, some of its
 *   events already there, or not an append at all) is the caller's to append alone through
 *   `ledger_append`, which raises what it would have raised anyway.
 *
 * Both run as the owner with the pinned search path. `ledger_append_unchecked` of 009 is dropped:
 * nothing calls it any more.
 */
export const ledgerAppendBatchMigration: Migration = {
  name: '014-ledger-append-batch',

  async up(knex) {
    const schema = await currentSchema(knex);
    await replaceOccurredAtWindow(knex, 'plpgsql');
    await knex.raw(SINGLE_APPEND, [schema]);
    await knex.raw(BATCH_APPEND, [schema]);
    await knex.raw(`
      DROP FUNCTION ledger_append_unchecked(text, bigint, jsonb);
      REVOKE ALL ON FUNCTION ledger_append_batch(jsonb) FROM PUBLIC;
    `);
  },

  async down(knex) {
    const schema = await currentSchema(knex);
    await replaceOccurredAtWindow(knex, 'sql');
    // Back to 009: the append of 001 as the owner's unchecked one, the checked one in front of it.
    await knex.raw(`
      DROP FUNCTION ledger_append_batch(jsonb);
      DROP FUNCTION ledger_append(text, bigint, jsonb);
    `);
    await knex.raw(ledgerAppendFunction('ledger_append_unchecked'));
    await knex.raw(
      `ALTER FUNCTION ledger_append_unchecked(text, bigint, jsonb) SECURITY DEFINER SET search_path = ??, pg_temp;
       REVOKE ALL ON FUNCTION ledger_append_unchecked(text, bigint, jsonb) FROM PUBLIC`,
      [schema],
    );
    await knex.raw(CHECKED_APPEND, [schema]);
    await knex.raw(`
      REVOKE ALL ON FUNCTION ledger_append(text, bigint, jsonb) FROM PUBLIC;
    `);
  },
};

/**
 * `ledger_occurred_at_window()` again, with the bounds it answers now (its owner may have widened
 * them), in `language`. A SQL function called from PL/pgSQL is parsed again on every call; a
 * PL/pgSQL one is compiled once per connection, which a lone append notices.
 */
async function replaceOccurredAtWindow(knex: Knex, language: 'sql' | 'plpgsql'): Promise<void> {
  const { rows } = await knex.raw<{ rows: Array<{ ahead: string; behind: string }> }>(
    'SELECT w.ahead::text AS ahead, w.behind::text AS behind FROM ledger_occurred_at_window() w',
  );
  const bounds = rows[0];
  if (!bounds) throw new Error('ledger_occurred_at_window() answered nothing');
  // DDL takes no bind parameters: the bounds go in as quoted literals.
  const ahead = `${pg.escapeLiteral(bounds.ahead)}::interval`;
  const behind = `${pg.escapeLiteral(bounds.behind)}::interval`;
  const body =
    language === 'sql'
      ? `SELECT ${ahead}, ${behind}`
      : `BEGIN ahead := ${ahead}; behind := ${behind}; END`;
  await knex.raw(`
      CREATE OR REPLACE FUNCTION ledger_occurred_at_window(OUT ahead interval, OUT behind interval)
      LANGUAGE ${language} STABLE AS $$ ${body} $$`);
}

// SQL string literals. No "?" in them: knex would read one as a binding.
/** The form `Date.toISOString` writes, each field in range, a zone PostgreSQL accepts. */
const CANONICAL_TIMESTAMP =
  "'^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6}){0,1}(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$'";

/**
 * Finds the first refusal the events of `p_events` earn: sets `v_code` and `v_message`, or leaves
 * them null. Reads `v_count`, `v_now`, `v_ahead`, `v_behind`; uses `v_event`, `v_text`,
 * `v_occurred_at`.
 */
const FIND_PROBLEM = `
        v_code := NULL;
        v_message := NULL;
        FOR i IN 0 .. v_count - 1 LOOP
          v_event := p_events->i;
          v_text := v_event->'metadata'->>'occurredAt';
          -- Year 0000 and a day past the month's end are the only ways the pattern can fail the cast.
          IF v_text ~ ${CANONICAL_TIMESTAMP}
             AND left(v_text, 4) <> '0000'
             AND (substr(v_text, 9, 2) <= '28'
                  OR substr(v_text, 9, 2)::integer <= extract(day FROM
                       make_date(left(v_text, 4)::integer, substr(v_text, 6, 2)::integer, 1)
                         + interval '1 month - 1 day')) THEN
            v_occurred_at := v_text::timestamptz;
          ELSE
            v_occurred_at := ledger_occurred_at(v_text);
          END IF;
          IF v_occurred_at IS NULL THEN
            v_code := 'LG002';
            v_message := format('ledger_append: event %s of %s: metadata.occurredAt is missing or not an ISO 8601 timestamp with a time zone (YYYY-MM-DDTHH:MM:SS.sssZ)',
              i + 1, v_count);
          ELSIF v_occurred_at > v_now + v_ahead THEN
            v_code := 'LG003';
            v_message := format('ledger_append: event %s of %s: occurredAt %s is more than %s ahead of the database clock (%s)',
              i + 1, v_count, v_occurred_at, v_ahead, v_now);
          ELSIF v_occurred_at < v_now - v_behind THEN
            v_code := 'LG003';
            v_message := format('ledger_append: event %s of %s: occurredAt %s is more than %s behind the database clock (%s)',
              i + 1, v_count, v_occurred_at, v_behind, v_now);
          ELSIF NOT coalesce(v_event->>'contentHash' ~ '^[0-9a-f]{64}$', false) THEN
            v_code := 'LG004';
            v_message := format('ledger_append: event %s of %s: contentHash is not a SHA-256 in 64 lowercase hex digits',
              i + 1, v_count);
          END IF;
          EXIT WHEN v_code IS NOT NULL;
        END LOOP;`;

const FIND_PROBLEM_VARIABLES = `
        v_code text;
        v_message text;
        v_event jsonb;
        v_text text;
        v_occurred_at timestamptz;`;

/**
 * The append of 001-ledger-events to a stream whose lock the transaction holds, which sets
 * `v_outcome` instead of raising: appended, present (an idempotent retry: every event id is
 * already in the stream; only possible when the expectation does not match, or there is none),
 * wrong_revision or partly_present. Sets `v_current` and `v_found`, and the out_ parameters when
 * appended or present.
 */
const APPEND_TO_LOCKED_STREAM = `${READ_STREAM_AND_COUNT_PRESENT}
        v_outcome := NULL;
        IF v_found = v_count THEN
          v_outcome := 'present';
          SELECT e.stream_revision, e.transaction_id, e.position
            INTO out_revision, out_transaction_id, out_position
            FROM ledger_events e
           WHERE e.stream_id = p_stream_id AND e.stream_revision = v_revision;
        ELSIF v_found > 0 THEN
          v_outcome := 'partly_present';
        ELSIF p_expected_revision <> -2 AND p_expected_revision <> v_current THEN
          v_outcome := 'wrong_revision';
        ELSE
          v_outcome := 'appended';
${CHAIN_AND_INSERT}
        END IF;`;

const APPEND_TO_LOCKED_STREAM_VARIABLES = `
        v_outcome text;
        v_found integer;${CHAIN_AND_INSERT_VARIABLES}`;

const SINGLE_APPEND = `
      CREATE OR REPLACE FUNCTION ${CHECKED_APPEND_HEAD}${FIND_PROBLEM_VARIABLES}${APPEND_TO_LOCKED_STREAM_VARIABLES}
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'ledger_append: no events' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT w.ahead, w.behind INTO v_ahead, v_behind FROM ledger_occurred_at_window() w;${FIND_PROBLEM}
        IF v_code IS NOT NULL THEN
          RAISE EXCEPTION USING ERRCODE = v_code, MESSAGE = v_message;
        END IF;
${TRANSACTION_ID_CHECK}

        -- Appends to one stream queue here, before this transaction has an id (001-ledger-events).
        PERFORM pg_advisory_xact_lock(${STREAM_LOCK_KEYSPACE}, hashtext(p_stream_id));${APPEND_TO_LOCKED_STREAM}
        IF v_outcome = 'wrong_revision' THEN
          RAISE EXCEPTION 'ledger_append: stream % is at %, expected %',
            p_stream_id, v_current, p_expected_revision
            USING ERRCODE = 'LG409', DETAIL = v_current::text;
        ELSIF v_outcome = 'partly_present' THEN
          RAISE EXCEPTION 'ledger_append: % of % events are already in stream %',
            v_found, v_count, p_stream_id
            USING ERRCODE = 'LG410';
        END IF;
      END;
      $$`;

const BATCH_APPEND = `
      CREATE FUNCTION ledger_append_batch(p_appends jsonb)
        RETURNS TABLE (item integer, appended boolean, out_revision bigint,
          out_transaction_id xid8, out_position bigint)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ??, pg_temp AS $$
      DECLARE
        v_total integer := jsonb_array_length(p_appends);
        v_now timestamptz := clock_timestamp();
        v_ahead interval;
        v_behind interval;
        v_accepted boolean[] := '{}';
        v_streams text[] := '{}';
        v_append jsonb;
        v_key integer;
      BEGIN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'ledger_append_batch: the transaction already has a transaction id: it would be older than the stream locks, and the feed could deliver events out of order; call it in a transaction of its own'
            USING ERRCODE = 'LG005';
        END IF;
        SELECT w.ahead, w.behind INTO v_ahead, v_behind FROM ledger_occurred_at_window() w;
        FOR v_item IN 0 .. v_total - 1 LOOP
          v_append := p_appends->v_item;
          DECLARE
            -- Named as ledger_append's parameters, which the parts it shares with it read.
            p_events jsonb := v_append->'events';
            v_count integer;${FIND_PROBLEM_VARIABLES}
          BEGIN
            v_code := 'malformed';
            IF jsonb_typeof(v_append->'streamId') = 'string'
               AND jsonb_typeof(v_append->'expectedRevision') = 'number'
               AND jsonb_typeof(p_events) = 'array' THEN
              v_count := jsonb_array_length(p_events);
              IF v_count > 0 THEN${FIND_PROBLEM}
              END IF;
            END IF;
            v_accepted := v_accepted || (v_code IS NULL);
            IF v_code IS NULL THEN
              v_streams := v_streams || (v_append->>'streamId');
            END IF;
          END;
        END LOOP;

        -- Every lock before the transaction has an id, in the order of their keys.
        FOR v_key IN SELECT DISTINCT hashtext(s) FROM unnest(v_streams) s ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(${STREAM_LOCK_KEYSPACE}, v_key);
        END LOOP;

        FOR v_item IN 0 .. v_total - 1 LOOP
          item := v_item;
          appended := false;
          out_revision := NULL;
          out_transaction_id := NULL;
          out_position := NULL;
          IF v_accepted[v_item + 1] THEN
            v_append := p_appends->v_item;
            DECLARE
              p_stream_id text := v_append->>'streamId';
              p_expected_revision bigint := (v_append->>'expectedRevision')::bigint;
              p_events jsonb := v_append->'events';
              v_count integer := jsonb_array_length(p_events);
              v_event jsonb;${APPEND_TO_LOCKED_STREAM_VARIABLES}
            BEGIN${APPEND_TO_LOCKED_STREAM}
              appended := v_outcome IN ('appended', 'present');
            END;
          END IF;
          RETURN NEXT;
        END LOOP;
      END;
      $$`;
