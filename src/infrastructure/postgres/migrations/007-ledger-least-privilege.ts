import { headMovesForwardFunction } from './head-moves-forward.js';
import { sqlMigration } from './migration.js';

/**
 * The ledger's tables belong to the role that migrates (the owner); the service role may only read
 * them and append through `ledger_append` (the grants: ledger-privileges.ts).
 *
 * - `ledger_append` runs as its owner (SECURITY DEFINER), with a search path that the service
 *   cannot plant objects in: pg_catalog first (implicitly), then the ledger's schema, pg_temp last.
 * - `ledger_streams` gets the append-only protection of `ledger_events`: no DELETE, no TRUNCATE,
 *   and an UPDATE may only move a stream's head (revision, last_hash, updated_at) forward, which
 *   only `ledger_append` does. Refusals raise LG001, naming the table.
 */
export const ledgerLeastPrivilegeMigration = sqlMigration('007-ledger-least-privilege', {
  up: `
      CREATE OR REPLACE FUNCTION ledger_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'LG001';
      END;
      $$;

${headMovesForwardFunction({
  name: 'ledger_streams_head_moves_forward',
  fixedColumns: ['stream_id'],
  revisionColumn: 'revision',
  refusal: 'ledger_streams is append-only: only a head moving forward may change',
})}

      CREATE TRIGGER ledger_streams_head_only
        BEFORE UPDATE ON ledger_streams
        FOR EACH ROW EXECUTE FUNCTION ledger_streams_head_moves_forward();
      CREATE TRIGGER ledger_streams_append_only
        BEFORE DELETE ON ledger_streams
        FOR EACH ROW EXECUTE FUNCTION ledger_events_refuse_change();
      CREATE TRIGGER ledger_streams_no_truncate
        BEFORE TRUNCATE ON ledger_streams
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_refuse_change();

      DO $$
      BEGIN
        EXECUTE format(
          'ALTER FUNCTION ledger_append(text, bigint, jsonb) SECURITY DEFINER SET search_path = %I, pg_temp',
          current_schema());
      END $$;
      REVOKE ALL ON FUNCTION ledger_append(text, bigint, jsonb) FROM PUBLIC;
    `,
  down: `
      GRANT EXECUTE ON FUNCTION ledger_append(text, bigint, jsonb) TO PUBLIC;
      ALTER FUNCTION ledger_append(text, bigint, jsonb) SECURITY INVOKER RESET search_path;
      DROP TRIGGER ledger_streams_no_truncate ON ledger_streams;
      DROP TRIGGER ledger_streams_append_only ON ledger_streams;
      DROP TRIGGER ledger_streams_head_only ON ledger_streams;
      DROP FUNCTION ledger_streams_head_moves_forward();
      CREATE OR REPLACE FUNCTION ledger_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_events is append-only: % refused', TG_OP
          USING ERRCODE = 'LG001';
      END;
      $$;
    `,
});
