import { sqlMigration } from './migration.js';

/**
 * The read models (docs/architecture.md, "Projections and read models"). They are disposable (rebuilt from the ledger at will); each row
 * remembers how far it has applied its stream (`revision`) so that replaying an event changes
 * nothing. Ledger positions are stored as numeric(40,0) so they order like the feed.
 */
export const readModelsMigration = sqlMigration('004-read-models', {
  up: `
      CREATE TABLE calls (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        status text NOT NULL,
        provider_id uuid NOT NULL,
        patient_id uuid NOT NULL,
        initiator_id uuid NOT NULL,
        callee_id uuid NOT NULL,
        reason text,
        recording_enabled boolean NOT NULL,
        scheduled_at timestamptz,
        initiated_at timestamptz NOT NULL,
        started_at timestamptz,
        ended_at timestamptz,
        ended_by text,
        end_reason text,
        duration_seconds integer,
        failure_reason text,
        recording_count integer NOT NULL DEFAULT 0,
        quality_warning_count integer NOT NULL DEFAULT 0,
        quality_sample_count integer NOT NULL DEFAULT 0,
        avg_rtt_ms double precision,
        avg_jitter_ms double precision,
        avg_packet_loss_pct double precision,
        avg_mos double precision,
        -- running sums behind the averages (summed in feed order, so rebuilds agree to the bit)
        quality_rtt_ms_sum double precision NOT NULL DEFAULT 0,
        quality_jitter_ms_sum double precision NOT NULL DEFAULT 0,
        quality_packet_loss_pct_sum double precision NOT NULL DEFAULT 0,
        quality_mos_sum double precision NOT NULL DEFAULT 0,
        -- 'p2p' or 'relay' once a participant reported its selected candidate pair
        connectivity text,
        revision integer NOT NULL,
        last_position numeric(40,0) NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX calls_provider_history ON calls (provider_id, initiated_at DESC, id DESC);
      CREATE INDEX calls_patient_history ON calls (patient_id, initiated_at DESC, id DESC);
      CREATE INDEX calls_history ON calls (initiated_at DESC, id DESC);

      CREATE TABLE call_participants (
        call_id uuid NOT NULL,
        user_id uuid NOT NULL,
        role text NOT NULL,
        status text NOT NULL,
        joined_at timestamptz,
        left_at timestamptz,
        left_reason text,
        disconnected_at timestamptz,
        participation_seconds integer NOT NULL DEFAULT 0,
        video_enabled boolean NOT NULL,
        audio_enabled boolean NOT NULL,
        screen_share_enabled boolean NOT NULL,
        consented_to_recording boolean NOT NULL DEFAULT false,
        consent_changed_at timestamptz,
        PRIMARY KEY (call_id, user_id)
      );

      CREATE TABLE call_recordings (
        id uuid PRIMARY KEY,
        call_id uuid NOT NULL,
        status text NOT NULL,
        started_by text NOT NULL,
        started_at timestamptz NOT NULL,
        stopped_at timestamptz,
        stopped_by text,
        stop_reason text,
        duration_seconds integer,
        consented_participants uuid[] NOT NULL,
        size_bytes bigint,
        sha256 text,
        storage_key text,
        key_id text,
        content_type text,
        completed_at timestamptz,
        failed_at timestamptz,
        failure_reason text,
        expires_at timestamptz,
        legal_hold boolean NOT NULL DEFAULT false,
        purged_at timestamptz,
        last_position numeric(40,0) NOT NULL
      );
      CREATE INDEX call_recordings_by_call ON call_recordings (call_id, started_at, id);

      CREATE TABLE call_quality_samples (
        event_id uuid PRIMARY KEY,
        call_id uuid NOT NULL,
        user_id uuid NOT NULL,
        sampled_at timestamptz NOT NULL,
        rtt_ms double precision NOT NULL,
        jitter_ms double precision NOT NULL,
        packet_loss_pct double precision NOT NULL,
        bitrate_kbps double precision,
        mos double precision NOT NULL,
        candidate_type text,
        connection_state text,
        poor boolean NOT NULL
      );
      CREATE INDEX call_quality_samples_by_call ON call_quality_samples (call_id, sampled_at);

      CREATE TABLE call_daily_stats (
        day date NOT NULL,
        provider_id uuid NOT NULL,
        calls_initiated integer NOT NULL DEFAULT 0,
        calls_ended integer NOT NULL DEFAULT 0,
        calls_missed integer NOT NULL DEFAULT 0,
        calls_declined integer NOT NULL DEFAULT 0,
        calls_cancelled integer NOT NULL DEFAULT 0,
        calls_failed integer NOT NULL DEFAULT 0,
        duration_seconds_total bigint NOT NULL DEFAULT 0,
        recordings_started integer NOT NULL DEFAULT 0,
        recordings_completed integer NOT NULL DEFAULT 0,
        recordings_failed integer NOT NULL DEFAULT 0,
        quality_warnings integer NOT NULL DEFAULT 0,
        PRIMARY KEY (day, provider_id)
      );

      CREATE TABLE audit_log (
        position numeric(40,0) PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        call_id uuid,
        recording_id uuid,
        outcome text NOT NULL,
        origin jsonb
      );
      CREATE INDEX audit_log_by_call ON audit_log (call_id, position);
      CREATE INDEX audit_log_by_actor ON audit_log (actor_id, position);
      CREATE INDEX audit_log_by_time ON audit_log (occurred_at, position);
    `,
  down: `DROP TABLE IF EXISTS audit_log, call_daily_stats, call_quality_samples,
      call_recordings, call_participants, calls`,
});
