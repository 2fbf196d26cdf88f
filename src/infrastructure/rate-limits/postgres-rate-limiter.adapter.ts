import type { Knex } from 'knex';
import type { RateLimitDecision, RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { rateLimitKeyDigest } from './rate-limit-key.js';

/** About one hit in this many also deletes the counters whose window has ended. */
const SWEEP_ONE_IN = 200;

/**
 * Fixed-window counters in `rate_limit_counters`, counted by one upsert so concurrent hits on any
 * instance never lose a count. Windows follow the database's clock, the one all instances share.
 */
export class PostgresRateLimiter implements RateLimiter {
  constructor(private readonly knex: Knex) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    if (Math.random() * SWEEP_ONE_IN < 1) await this.sweep();
    const { rows } = await this.knex.raw<{ rows: Array<{ hits: number; retryAfter: number }> }>(
      `INSERT INTO rate_limit_counters AS c (key_digest, hits, window_ends_at)
       VALUES (?, 1, clock_timestamp() + make_interval(secs => ?))
       ON CONFLICT (key_digest) DO UPDATE SET
         hits = CASE WHEN c.window_ends_at <= clock_timestamp() THEN 1 ELSE c.hits + 1 END,
         window_ends_at = CASE WHEN c.window_ends_at <= clock_timestamp()
                               THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END
       RETURNING c.hits,
                 ceil(extract(epoch FROM c.window_ends_at - clock_timestamp()))::integer AS "retryAfter"`,
      [rateLimitKeyDigest(key), windowSeconds],
    );
    const row = rows[0];
    if (!row) throw new Error('the rate-limit upsert returned no row');
    return {
      allowed: row.hits <= limit,
      hits: row.hits,
      retryAfterSeconds: Math.max(1, row.retryAfter),
    };
  }

  async reset(key: string): Promise<void> {
    await this.knex('rate_limit_counters').where('key_digest', rateLimitKeyDigest(key)).delete();
  }

  private async sweep(): Promise<void> {
    await this.knex('rate_limit_counters')
      .where('window_ends_at', '<', this.knex.raw('clock_timestamp()'))
      .delete();
  }
}
