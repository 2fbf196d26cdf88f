import type { Knex } from 'knex';
import type { RecordingContentType } from '../../domain/call/call.values.js';
import type {
  RecordingUpload,
  RecordingUploadStore,
  UploadClaim,
} from '../../application/ports/recording-upload-store.port.js';

interface UploadRow {
  upload_id: string;
  call_id: string;
  recording_id: string;
  owner_id: string;
  kind: 'single' | 'parts';
  content_type: string | null;
  size_bytes: string | number | null;
  part_bytes: number | null;
  started_at: Date;
  renewed_at: Date;
}

const COLUMNS = [
  'upload_id',
  'call_id',
  'recording_id',
  'owner_id',
  'kind',
  'content_type',
  'size_bytes',
  'part_bytes',
  'started_at',
  'renewed_at',
] as const;

function toUpload(row: UploadRow): RecordingUpload {
  return {
    uploadId: row.upload_id,
    callId: row.call_id,
    recordingId: row.recording_id,
    ownerId: row.owner_id,
    kind: row.kind,
    // Only this adapter writes the column, always from a RecordingContentType.
    contentType: row.content_type as RecordingContentType | null,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    partBytes: row.part_bytes,
    startedAt: row.started_at,
    renewedAt: row.renewed_at,
  };
}

/** `recording_uploads` and `recording_upload_parts`: the unique recording id is the lock. */
export class PostgresRecordingUploadStore implements RecordingUploadStore {
  constructor(private readonly knex: Knex) {}

  async claim(upload: RecordingUpload, staleBefore: Date): Promise<UploadClaim> {
    return this.knex.transaction(async (trx) => {
      const holder = await trx<UploadRow>('recording_uploads')
        .select<UploadRow[]>([...COLUMNS])
        .where('recording_id', upload.recordingId)
        .forUpdate()
        .first();
      if (holder && holder.renewed_at >= staleBefore) {
        return { claimed: false, holder: toUpload(holder) };
      }
      if (holder) await trx('recording_uploads').where('upload_id', holder.upload_id).delete();
      const inserted = await trx('recording_uploads')
        .insert({
          upload_id: upload.uploadId,
          call_id: upload.callId,
          recording_id: upload.recordingId,
          owner_id: upload.ownerId,
          kind: upload.kind,
          content_type: upload.contentType,
          size_bytes: upload.sizeBytes,
          part_bytes: upload.partBytes,
          started_at: upload.startedAt,
          renewed_at: upload.renewedAt,
        })
        .onConflict('recording_id')
        .ignore()
        .returning('upload_id');
      if (inserted.length === 0) {
        // Another instance inserted first, between our read (which found nothing to lock) and ours.
        const winner = await trx<UploadRow>('recording_uploads')
          .select<UploadRow[]>([...COLUMNS])
          .where('recording_id', upload.recordingId)
          .first();
        if (winner) return { claimed: false, holder: toUpload(winner) };
        throw new Error('The recording upload slot was neither free nor held');
      }
      return { claimed: true, replaced: holder ? toUpload(holder) : null };
    });
  }

  async find(uploadId: string): Promise<RecordingUpload | null> {
    const row = await this.knex<UploadRow>('recording_uploads')
      .select<UploadRow[]>([...COLUMNS])
      .where('upload_id', uploadId)
      .first();
    return row ? toUpload(row) : null;
  }

  async renew(uploadId: string, now: Date): Promise<boolean> {
    const updated = await this.knex('recording_uploads')
      .where('upload_id', uploadId)
      .update({ renewed_at: now });
    return updated > 0;
  }

  async recordPart(uploadId: string, part: number, sizeBytes: number): Promise<boolean> {
    const { rows } = await this.knex.raw<{ rows: unknown[] }>(
      `INSERT INTO recording_upload_parts (upload_id, part, size_bytes)
         SELECT upload_id, ?, ? FROM recording_uploads WHERE upload_id = ?
       ON CONFLICT (upload_id, part) DO UPDATE SET size_bytes = EXCLUDED.size_bytes
       RETURNING part`,
      [part, sizeBytes, uploadId],
    );
    return rows.length > 0;
  }

  async parts(uploadId: string): Promise<ReadonlyMap<number, number>> {
    const rows = await this.knex<{ part: number; size_bytes: number }>('recording_upload_parts')
      .select('part', 'size_bytes')
      .where('upload_id', uploadId)
      .orderBy('part');
    return new Map(rows.map((row) => [row.part, row.size_bytes]));
  }

  async release(uploadId: string): Promise<void> {
    await this.knex('recording_uploads').where('upload_id', uploadId).delete();
  }

  async all(): Promise<readonly RecordingUpload[]> {
    const rows = await this.knex<UploadRow>('recording_uploads')
      .select<UploadRow[]>([...COLUMNS])
      .orderBy('started_at');
    return rows.map(toUpload);
  }
}
