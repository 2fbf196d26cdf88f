import { sqlMigration } from './migration.js';

/*
 * Login sessions. A session ends at logout, when one of its refresh tokens is presented a second
 * time (the whole family is then revoked), when its user is deactivated, or at `expires_at`.
 * Refresh tokens are stored as SHA-256 hashes only; each is used once (`used_at`), and a used one
 * is kept so that its reuse is recognised. Rows are never deleted by the service: an ended session
 * stays as the record of when and why it ended.
 */
export const sessionsMigration = sqlMigration('010-sessions', {
  up: `
      ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text,
        CONSTRAINT sessions_end_reason_check
          CHECK (end_reason IN ('logout', 'refresh_reuse', 'deactivated')),
        CONSTRAINT sessions_ended_with_reason
          CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      );
      CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;
      CREATE TABLE session_refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id),
        issued_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX session_refresh_tokens_session ON session_refresh_tokens (session_id);
    `,
  down: `
      DROP TABLE session_refresh_tokens;
      DROP TABLE sessions;
      ALTER TABLE users DROP COLUMN deactivated_at;
    `,
});
