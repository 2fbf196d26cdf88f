import { sqlMigration } from './migration.js';

/**
 * Rate-limit counters every instance shares (fixed windows). A row is named by the SHA-256 of its
 * key, so the table holds no email or address.
 */
export const rateLimitsMigration = sqlMigration('011-rate-limits', {
  up: `
      CREATE TABLE rate_limit_counters (
        key_digest bytea PRIMARY KEY,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      );
      CREATE INDEX rate_limit_counters_window_ends_at ON rate_limit_counters (window_ends_at);
    `,
  down: 'DROP TABLE rate_limit_counters',
});
