import type { Knex } from 'knex';
import type {
  PresenceHolder,
  PresenceLeases,
} from '../../application/ports/presence-leases.port.js';

interface HolderRow {
  call_id: string;
  user_id: string;
  socket_id: string;
}

/** Presence leases in `presence_leases`, timed by the database's clock. */
export class PostgresPresenceLeases implements PresenceLeases {
  constructor(private readonly knex: Knex) {}

  async take(holder: PresenceHolder, instanceId: string, leaseSeconds: number): Promise<void> {
    await this.knex.raw(
      `INSERT INTO presence_leases (call_id, user_id, instance_id, socket_id, expires_at)
       VALUES (?, ?, ?, ?, now() + make_interval(secs => ?))
       ON CONFLICT (call_id, user_id) DO UPDATE
         SET instance_id = excluded.instance_id, socket_id = excluded.socket_id,
             expires_at = excluded.expires_at`,
      [holder.callId, holder.userId, instanceId, holder.socketId, leaseSeconds],
    );
  }

  async renew(instanceId: string, leaseSeconds: number): Promise<number> {
    const { rowCount } = await this.knex.raw<{ rowCount: number | null }>(
      `UPDATE presence_leases SET expires_at = now() + make_interval(secs => ?)
        WHERE instance_id = ?`,
      [leaseSeconds, instanceId],
    );
    return rowCount ?? 0;
  }

  async release(holder: PresenceHolder): Promise<void> {
    await this.knex('presence_leases')
      .where({ call_id: holder.callId, user_id: holder.userId, socket_id: holder.socketId })
      .delete();
  }

  async claimExpired(limit: number, retrySeconds: number): Promise<PresenceHolder[]> {
    // SKIP LOCKED: concurrent sweeps on several instances claim disjoint leases without waiting.
    const { rows } = await this.knex.raw<{ rows: HolderRow[] }>(
      `UPDATE presence_leases SET expires_at = now() + make_interval(secs => ?)
        WHERE (call_id, user_id) IN (
          SELECT call_id, user_id FROM presence_leases
           WHERE expires_at <= now()
           ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING call_id, user_id, socket_id`,
      [retrySeconds, limit],
    );
    return rows.map((row) => ({
      callId: row.call_id,
      userId: row.user_id,
      socketId: row.socket_id,
    }));
  }
}
