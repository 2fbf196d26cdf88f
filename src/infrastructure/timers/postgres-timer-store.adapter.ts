import type { Knex } from 'knex';
import type {
  DueTimer,
  NewTimer,
  TimerKind,
  TimerStore,
} from '../../application/ports/timer-store.port.js';

interface TimerRow {
  id: string;
  kind: TimerKind;
  stream_id: string;
  payload: DueTimer['payload'];
  due_at: Date;
  attempts: number;
}

export class PostgresTimerStore implements TimerStore {
  constructor(private readonly knex: Knex) {}

  async claimDue(now: Date, limit: number, leaseSeconds: number): Promise<DueTimer[]> {
    // SKIP LOCKED lets several instances claim disjoint timers without waiting on each other.
    const { rows } = await this.knex.raw<{ rows: TimerRow[] }>(
      `UPDATE ledger_timers SET lease_until = ?::timestamptz + make_interval(secs => ?), attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM ledger_timers
           WHERE fired_at IS NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
           ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, stream_id, payload, due_at, attempts`,
      [now, leaseSeconds, now, now, limit],
    );
    // Only scheduleTimer writes this table, always with the payload of the row's own kind.
    return rows.map(
      (row) =>
        ({
          id: row.id,
          kind: row.kind,
          streamId: row.stream_id,
          payload: row.payload,
          dueAt: row.due_at,
          attempts: row.attempts,
        }) as DueTimer,
    );
  }

  async complete(id: string, outcome: string): Promise<void> {
    await this.knex('ledger_timers')
      .where({ id })
      .update({ fired_at: this.knex.fn.now(), outcome });
  }

  async nextDueAt(): Promise<Date | null> {
    const row = await this.knex('ledger_timers')
      .whereNull('fired_at')
      .min<{ min: Date | null }>('due_at as min')
      .first();
    return row?.min ?? null;
  }
}

/** Schedules a timer inside the caller's transaction; a repeated id is ignored (replay-safe). */
export async function scheduleTimer(trx: Knex.Transaction, timer: NewTimer): Promise<void> {
  await trx('ledger_timers')
    .insert({
      id: timer.id,
      kind: timer.kind,
      stream_id: timer.streamId,
      payload: JSON.stringify(timer.payload),
      due_at: timer.dueAt,
    })
    .onConflict('id')
    .ignore();
}
