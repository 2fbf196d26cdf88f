import type { Knex } from 'knex';
import type {
  SealedRecordingIndex,
  SealedRecordingRef,
} from '../../application/ports/sealed-recording-index.port.js';

/** `call_recordings`: the COMPLETED rows whose key id is not the given one, by (call, recording). */
export class KnexSealedRecordingIndex implements SealedRecordingIndex {
  constructor(private readonly knex: Knex) {}

  async sealedWithOtherKeys(
    keyId: string,
    after: SealedRecordingRef | null,
    limit: number,
  ): Promise<readonly SealedRecordingRef[]> {
    const query = this.knex('call_recordings')
      .select<Array<{ call_id: string; id: string }>>('call_id', 'id')
      .where('status', 'COMPLETED')
      .andWhere((where) => void where.whereNot('key_id', keyId).orWhereNull('key_id'))
      .orderBy([{ column: 'call_id' }, { column: 'id' }])
      .limit(limit);
    if (after !== null) {
      query.andWhereRaw('(call_id, id) > (?::uuid, ?::uuid)', [after.callId, after.recordingId]);
    }
    const rows = await query;
    return rows.map((row) => ({ callId: row.call_id, recordingId: row.id }));
  }
}
