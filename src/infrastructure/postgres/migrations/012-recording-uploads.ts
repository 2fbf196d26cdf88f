import { sqlMigration } from './migration.js';

/**
 * Recording uploads in progress: at most one per recording (the unique recording id is the
 * lock), and the parts a resumable upload has stored so far. A row holds ids, sizes and times,
 * never media; the parts themselves are sealed objects in recording storage.
 */
export const recordingUploadsMigration = sqlMigration('012-recording-uploads', {
  up: `
      CREATE TABLE recording_uploads (
        upload_id uuid PRIMARY KEY,
        call_id uuid NOT NULL,
        recording_id uuid NOT NULL UNIQUE,
        owner_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('single', 'parts')),
        content_type text,
        size_bytes bigint CHECK (size_bytes >= 0),
        part_bytes integer CHECK (part_bytes > 0),
        started_at timestamptz NOT NULL,
        renewed_at timestamptz NOT NULL
      );
      CREATE INDEX recording_uploads_renewed_at ON recording_uploads (renewed_at);
      CREATE TABLE recording_upload_parts (
        upload_id uuid NOT NULL REFERENCES recording_uploads (upload_id) ON DELETE CASCADE,
        part integer NOT NULL CHECK (part >= 0),
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        PRIMARY KEY (upload_id, part)
      );
    `,
  down: 'DROP TABLE recording_upload_parts; DROP TABLE recording_uploads',
});
