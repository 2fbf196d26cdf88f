import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../../application/ports/clock.port.js';
import type { SessionStatus } from '../../application/ports/session-status.port.js';
import type {
  OpenedSession,
  RefreshOutcome,
  SessionEndReason,
  SessionStore,
} from '../../application/ports/session-store.port.js';

/** 256 random bits: guessing one is hopeless, so the store needs no attempt counting. */
const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const newRefreshToken = (): string => randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');

/** Only this is stored: a leaked table gives no usable token. */
const hashOf = (refreshToken: string): Buffer =>
  createHash('sha256').update(refreshToken, 'utf8').digest();

interface PresentedTokenRow {
  session_id: string;
  user_id: string;
  used_at: Date | null;
}

/**
 * Sessions and refresh tokens in PostgreSQL (migration 010-sessions), shared by every instance:
 * a session ended on one is ended on all, at the next request. Also the SessionStatus every
 * access token is checked against.
 */
export class PostgresSessionStore implements SessionStore, SessionStatus {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
  ) {}

  async open(userId: string, lifetimeSeconds: number): Promise<OpenedSession> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + lifetimeSeconds * 1000);
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.knex.transaction(async (trx) => {
      await trx('sessions').insert({
        id: sessionId,
        user_id: userId,
        created_at: now,
        expires_at: expiresAt,
      });
      await trx('session_refresh_tokens').insert({
        token_hash: hashOf(refreshToken),
        session_id: sessionId,
        issued_at: now,
      });
    });
    return { sessionId, refreshToken };
  }

  async refresh(refreshToken: string): Promise<RefreshOutcome> {
    if (!REFRESH_TOKEN.test(refreshToken)) return { kind: 'invalid' };
    const now = this.clock.now();
    const tokenHash = hashOf(refreshToken);
    return this.knex.transaction(async (trx) => {
      // Taking the token and checking its session in one statement: of two requests presenting
      // the same token at once, the row lock lets exactly one through; the other sees it used.
      const { rows: taken } = await trx.raw<{ rows: Array<{ id: string; user_id: string }> }>(
        `UPDATE session_refresh_tokens t SET used_at = ?
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE t.token_hash = ? AND t.used_at IS NULL AND s.id = t.session_id
            AND s.ended_at IS NULL AND s.expires_at > ? AND u.deactivated_at IS NULL
          RETURNING s.id, s.user_id`,
        [now, tokenHash, now],
      );
      const session = taken[0];
      if (session) {
        const next = newRefreshToken();
        await trx('session_refresh_tokens').insert({
          token_hash: hashOf(next),
          session_id: session.id,
          issued_at: now,
        });
        return {
          kind: 'rotated',
          sessionId: session.id,
          userId: session.user_id,
          refreshToken: next,
        };
      }
      const presented = await trx('session_refresh_tokens as t')
        .join('sessions as s', 's.id', 't.session_id')
        .where('t.token_hash', tokenHash)
        .first<PresentedTokenRow | undefined>('t.session_id', 's.user_id', 't.used_at');
      if (!presented || presented.used_at === null) return { kind: 'invalid' };
      const ended = await this.endWithin(trx, presented.session_id, 'refresh_reuse', now);
      return {
        kind: 'reused',
        sessionId: presented.session_id,
        userId: presented.user_id,
        ended,
      };
    });
  }

  end(sessionId: string, reason: SessionEndReason): Promise<boolean> {
    return this.endWithin(this.knex, sessionId, reason, this.clock.now());
  }

  async endAllOfUser(userId: string, reason: SessionEndReason): Promise<string[]> {
    const now = this.clock.now();
    const rows = await this.knex('sessions')
      .where({ user_id: userId })
      .whereNull('ended_at')
      .andWhere('expires_at', '>', now)
      .update({ ended_at: now, end_reason: reason })
      .returning<Array<{ id: string }>>('id');
    return rows.map((row) => row.id);
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    const row = await this.knex('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .where({ 's.id': sessionId, 's.user_id': userId })
      .whereNull('s.ended_at')
      .whereNull('u.deactivated_at')
      .andWhere('s.expires_at', '>', this.clock.now())
      .first<{ id: string } | undefined>('s.id');
    return row !== undefined;
  }

  private async endWithin(
    knex: Knex,
    sessionId: string,
    reason: SessionEndReason,
    now: Date,
  ): Promise<boolean> {
    const rows = await knex('sessions')
      .where({ id: sessionId })
      .whereNull('ended_at')
      .andWhere('expires_at', '>', now)
      .update({ ended_at: now, end_reason: reason })
      .returning<Array<{ id: string }>>('id');
    return rows.length > 0;
  }
}
