import { currentSchema } from '../current-schema.js';
import { headMovesForwardFunction } from './head-moves-forward.js';
import type { Migration } from './migration.js';

/**
 * `ledger_append` checks what it is given before it writes, and the tree's tables get the
 * append-only protection of the ledger's.
 *
 * The append of 001-ledger-events becomes `ledger_append_unchecked`, which nobody but the owner may
 * call, and a new `ledger_append` with the same signature and result checks the input and then
 * calls it: SECURITY DEFINER with the pinned search path, no EXECUTE for PUBLIC, the service's
 * grant given again after migrating (ledger-privileges.ts). Hash, previousHash, revision,
 * position and the stream are still set by the append itself. `ledger_append` refuses:
 *
 * - LG002 an event whose `metadata.occurredAt` is missing or not an ISO 8601 timestamp with a zone
 *   (`YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)`, as `Date.toISOString` writes it). The text
 *   is what the content hash covers and what the `occurred_at` column is cast from, so a form the
 *   cast reads in the session's time zone (or as `now`, `today`, `epoch`) is refused.
 * - LG003 an `occurredAt` more than 5 minutes ahead of the database's clock or more than 24 hours
 *   behind it. The service stamps events with its own clock just before it appends (retries
 *   included), so 5 minutes is room for clock skew between its hosts and the database's, and
 *   24 hours is far more than any append takes, while an event cannot be slipped in among days
 *   that auditors have already read. Both bounds come from `ledger_occurred_at_window()`: the
 *   owner may replace that function (CREATE OR REPLACE, as the owner) to widen them, say to
 *   import history; the service cannot.
 * - LG004 a `contentHash` that is not 64 lowercase hex digits (a SHA-256). It is the only hash
 *   that comes from the caller: the chain hashes are computed here from it.
 * - LG005 a call in a transaction that already has a transaction id, unless that id was given by
 *   an earlier append to the same stream in this transaction. The feed is ordered by transaction
 *   id and relies on a stream's appender getting its id only once it holds the stream's lock;
 *   after a write (or after appending to another stream) the id is older than the lock, and an
 *   event could be delivered before the one it follows. Appending to the same stream again is
 *   safe: the lock has been held since before the id. The earlier append is recognised by its
 *   row in `ledger_events`, which only this function writes, so a caller cannot pretend one.
 *
 * Every refusal comes before the function writes anything, so nothing is appended.
 *
 * The tree's tables: `ledger_tree_leaves`, `ledger_tree_nodes` and `ledger_checkpoints` are
 * insert-only, so UPDATE, DELETE and TRUNCATE are refused; in `ledger_tree_heads` an UPDATE may
 * only raise a slot's `stream_revision` for the same stream (what the tree builder's upsert does
 * when a checkpoint moves a head), and DELETE and TRUNCATE are refused. Refusals raise LG001,
 * naming the table, as for `ledger_events` and `ledger_streams`.
 */
export const ledgerAppendChecksMigration: Migration = {
  name: '009-ledger-append-checks',

  async up(knex) {
    await knex.raw(`
      CREATE FUNCTION ledger_occurred_at_window(OUT ahead interval, OUT behind interval)
      LANGUAGE sql STABLE AS $$ SELECT interval '5 minutes', interval '24 hours' $$;

      -- The instant of an ISO 8601 timestamp with a zone; null for anything else.
      CREATE FUNCTION ledger_occurred_at(p_text text) RETURNS timestamptz
      LANGUAGE plpgsql STABLE AS $$
      BEGIN
        IF p_text IS NULL OR p_text !~ ${ISO_TIMESTAMP} THEN
          RETURN NULL;
        END IF;
        RETURN p_text::timestamptz;
      EXCEPTION WHEN data_exception THEN
        -- In the pattern but no instant: 2026-02-30, a month 13, an hour 25.
        RETURN NULL;
      END;
      $$;

      REVOKE ALL ON FUNCTION ledger_occurred_at_window() FROM PUBLIC;
      REVOKE ALL ON FUNCTION ledger_occurred_at(text) FROM PUBLIC;
    `);
    await knex.raw(`
      ALTER FUNCTION ledger_append(text, bigint, jsonb) RENAME TO ledger_append_unchecked;
      REVOKE ALL ON FUNCTION ledger_append_unchecked(text, bigint, jsonb) FROM PUBLIC;
    `);
    // Runs as its owner with the search path 007 pinned: this schema, then pg_temp.
    await knex.raw(CHECKED_APPEND, [await currentSchema(knex)]);
    await knex.raw('REVOKE ALL ON FUNCTION ledger_append(text, bigint, jsonb) FROM PUBLIC');

    await knex.raw(`${headMovesForwardFunction({
      name: 'ledger_tree_heads_move_forward',
      fixedColumns: ['slot', 'stream_id'],
      revisionColumn: 'stream_revision',
      refusal: 'ledger_tree_heads is append-only: a head may only move forward in its stream',
    })}

      CREATE TRIGGER ledger_tree_heads_head_only BEFORE UPDATE ON ledger_tree_heads
        FOR EACH ROW EXECUTE FUNCTION ledger_tree_heads_move_forward();
    `);
    await knex.raw(refusalTriggers('ledger_tree_heads', 'DELETE'));
    for (const table of INSERT_ONLY_TREE_TABLES) {
      await knex.raw(refusalTriggers(table, 'UPDATE OR DELETE'));
    }
  },

  async down(knex) {
    for (const table of INSERT_ONLY_TREE_TABLES) {
      await knex.raw(`
        DROP TRIGGER ${table}_no_truncate ON ${table};
        DROP TRIGGER ${table}_append_only ON ${table};
      `);
    }
    await knex.raw(`
      DROP TRIGGER ledger_tree_heads_no_truncate ON ledger_tree_heads;
      DROP TRIGGER ledger_tree_heads_append_only ON ledger_tree_heads;
      DROP TRIGGER ledger_tree_heads_head_only ON ledger_tree_heads;
      DROP FUNCTION ledger_tree_heads_move_forward();
    `);
    await knex.raw(`
      DROP FUNCTION ledger_append(text, bigint, jsonb);
      ALTER FUNCTION ledger_append_unchecked(text, bigint, jsonb) RENAME TO ledger_append;
    `);
    await knex.raw(`
      DROP FUNCTION ledger_occurred_at(text);
      DROP FUNCTION ledger_occurred_at_window();
    `);
  },
};

const INSERT_ONLY_TREE_TABLES = ['ledger_tree_leaves', 'ledger_tree_nodes', 'ledger_checkpoints'];

/** `<table>_append_only` refusing `rowChanges` and `<table>_no_truncate`, both raising LG001. */
function refusalTriggers(table: string, rowChanges: string): string {
  return `
    CREATE TRIGGER ${table}_append_only BEFORE ${rowChanges} ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ledger_events_refuse_change();
    CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_refuse_change();
  `;
}

// A SQL string literal. No "?" in it: knex would read one as a binding.
const ISO_TIMESTAMP =
  "'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6}){0,1}(Z|[+-][0-9]{2}:[0-9]{2})$'";

/**
 * LG005: refuses a transaction that already has an id, unless an append to the same stream gave it.
 * Shared with the append of 014-ledger-append-batch.
 */
export const TRANSACTION_ID_CHECK = `
        -- Only an append to this stream earlier in this transaction may have given it its id.
        IF v_transaction_before IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM ledger_events e
              WHERE e.transaction_id = v_transaction_before AND e.stream_id = p_stream_id) THEN
          RAISE EXCEPTION 'ledger_append: the transaction already has a transaction id (it wrote, or appended to another stream) before appending to stream %: that id is older than the stream lock, and the feed could deliver the events out of order; append first, in a transaction of its own',
            p_stream_id
            USING ERRCODE = 'LG005';
        END IF;`;

/**
 * The checked append's signature, as the owner with the pinned search path, and the variables
 * its checks use. Shared with the append of 014-ledger-append-batch, which replaces it.
 */
export const CHECKED_APPEND_HEAD = `ledger_append(p_stream_id text, p_expected_revision bigint, p_events jsonb,
        OUT out_revision bigint, OUT out_transaction_id xid8, OUT out_position bigint)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ??, pg_temp AS $$
      DECLARE
        v_transaction_before xid8 := pg_current_xact_id_if_assigned();
        v_count integer := coalesce(jsonb_array_length(p_events), 0);
        v_now timestamptz := clock_timestamp();
        v_ahead interval;
        v_behind interval;`;

/** Checks every event, and the transaction, before the append of 001 runs. */
export const CHECKED_APPEND = `
      -- The signature and result of the append it guards.
      CREATE FUNCTION ${CHECKED_APPEND_HEAD}
        v_occurred_at timestamptz;
        v_event jsonb;
      BEGIN
        SELECT w.ahead, w.behind INTO v_ahead, v_behind FROM ledger_occurred_at_window() w;
        FOR i IN 0 .. v_count - 1 LOOP
          v_event := p_events->i;
          v_occurred_at := ledger_occurred_at(v_event->'metadata'->>'occurredAt');
          IF v_occurred_at IS NULL THEN
            RAISE EXCEPTION 'ledger_append: event % of %: metadata.occurredAt is missing or not an ISO 8601 timestamp with a time zone (YYYY-MM-DDTHH:MM:SS.sssZ)',
              i + 1, v_count
              USING ERRCODE = 'LG002';
          END IF;
          IF v_occurred_at > v_now + v_ahead THEN
            RAISE EXCEPTION 'ledger_append: event % of %: occurredAt % is more than % ahead of the database clock (%)',
              i + 1, v_count, v_occurred_at, v_ahead, v_now
              USING ERRCODE = 'LG003';
          ELSIF v_occurred_at < v_now - v_behind THEN
            RAISE EXCEPTION 'ledger_append: event % of %: occurredAt % is more than % behind the database clock (%)',
              i + 1, v_count, v_occurred_at, v_behind, v_now
              USING ERRCODE = 'LG003';
          END IF;
          IF NOT coalesce(v_event->>'contentHash' ~ '^[0-9a-f]{64}$', false) THEN
            RAISE EXCEPTION 'ledger_append: event % of %: contentHash is not a SHA-256 in 64 lowercase hex digits',
              i + 1, v_count
              USING ERRCODE = 'LG004';
          END IF;
        END LOOP;

${TRANSACTION_ID_CHECK}

        SELECT a.out_revision, a.out_transaction_id, a.out_position
          INTO out_revision, out_transaction_id, out_position
          FROM ledger_append_unchecked(p_stream_id, p_expected_revision, p_events) a;
      END;
      $$`;
