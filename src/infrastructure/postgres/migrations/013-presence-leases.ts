import { sqlMigration } from './migration.js';

/**
 * Who is connected to a call, and through which instance (docs/architecture.md, "Presence"). The
 * instance holding a participant's socket renews the row; a row whose `expires_at` has passed
 * belongs to an instance that died or lost the database, and whichever instance sweeps it records
 * the participant as disconnected. One row per participant of a call: the newest socket wins.
 */
export const presenceLeasesMigration = sqlMigration('013-presence-leases', {
  up: `
      CREATE TABLE presence_leases (
        call_id uuid NOT NULL,
        user_id uuid NOT NULL,
        instance_id text NOT NULL,
        socket_id text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (call_id, user_id)
      );
      CREATE INDEX presence_leases_instance ON presence_leases (instance_id);
      CREATE INDEX presence_leases_expires_at ON presence_leases (expires_at);
    `,
  down: 'DROP TABLE presence_leases',
});
