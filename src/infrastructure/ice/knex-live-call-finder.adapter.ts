import type { Knex } from 'knex';
import type { LiveCallFinder } from '../../application/signaling/ice-servers.port.js';

/**
 * Looks the caller up in the `calls` read model (migration 004), which the read side projects
 * from the ledger. It may trail the ledger by a moment; clients that know their call pass its id
 * to GET /webrtc/ice-servers, which is then checked against the ledger itself.
 */
export class KnexLiveCallFinder implements LiveCallFinder {
  constructor(private readonly knex: Knex) {}

  async hasLiveCall(userId: string): Promise<boolean> {
    const row = await this.knex('calls')
      .whereIn('status', ['RINGING', 'IN_PROGRESS'])
      .andWhere((where) => where.where('provider_id', userId).orWhere('patient_id', userId))
      .first<{ id: string } | undefined>('id');
    return row !== undefined;
  }
}
