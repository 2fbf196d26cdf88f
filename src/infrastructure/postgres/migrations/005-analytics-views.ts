import { sqlMigration } from './migration.js';

export const ANALYST_ROLE = 'call_ledger_analyst';

/**
 * Read-only views for analysts in a schema of their own, without patient identifiers or free
 * text (reasons typed by people can hold health information), and a NOLOGIN role that may read
 * only them. Operators grant the role to analysts' logins: `GRANT call_ledger_analyst TO alice`.
 * Roles are cluster-wide, so creating it tolerates another database having done so already, and a
 * database user without CREATEROLE still gets the views (the role is then left to the operator).
 */
export const analyticsViewsMigration = sqlMigration('005-analytics-views', {
  up: `
      CREATE SCHEMA analytics;

      CREATE VIEW analytics.calls AS
        SELECT id AS call_id, type, status, provider_id,
               initiated_at, (initiated_at AT TIME ZONE 'UTC')::date AS day,
               scheduled_at, started_at, ended_at, duration_seconds,
               started_at IS NOT NULL AS answered,
               recording_enabled, recording_count, quality_warning_count, quality_sample_count,
               avg_rtt_ms, avg_jitter_ms, avg_packet_loss_pct, avg_mos, connectivity
          FROM public.calls;

      CREATE VIEW analytics.daily_call_stats AS
        SELECT day, provider_id, calls_initiated, calls_ended, calls_missed, calls_declined,
               calls_cancelled, calls_failed, duration_seconds_total, recordings_started,
               recordings_completed, recordings_failed, quality_warnings
          FROM public.call_daily_stats;

      CREATE VIEW analytics.quality_samples AS
        SELECT q.call_id, p.role AS participant_role, q.sampled_at, q.rtt_ms, q.jitter_ms,
               q.packet_loss_pct, q.bitrate_kbps, q.mos, q.candidate_type, q.connection_state, q.poor
          FROM public.call_quality_samples q
          LEFT JOIN public.call_participants p ON p.call_id = q.call_id AND p.user_id = q.user_id;

      CREATE VIEW analytics.recordings AS
        SELECT id AS recording_id, call_id, status, started_at, stopped_at, stop_reason,
               duration_seconds, size_bytes, completed_at, failed_at, purged_at, legal_hold
          FROM public.call_recordings;

      DO $$
      BEGIN
        BEGIN
          CREATE ROLE ${ANALYST_ROLE} NOLOGIN;
        EXCEPTION
          WHEN duplicate_object OR unique_violation THEN NULL;
          WHEN insufficient_privilege THEN
            RAISE NOTICE 'no CREATEROLE: create role ${ANALYST_ROLE} yourself';
        END;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ANALYST_ROLE}') THEN
          GRANT USAGE ON SCHEMA analytics TO ${ANALYST_ROLE};
          GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO ${ANALYST_ROLE};
        END IF;
      END $$;
    `,
  down: 'DROP SCHEMA analytics CASCADE',
});
