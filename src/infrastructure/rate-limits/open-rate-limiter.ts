import type { Knex } from 'knex';
import { createClient } from 'redis';
import type { RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { PostgresRateLimiter } from './postgres-rate-limiter.adapter.js';
import { RedisRateLimiter } from './redis-rate-limiter.adapter.js';

export interface OpenRateLimiter {
  readonly limiter: RateLimiter;
  close(): Promise<void>;
}

/** Redis when REDIS_URL is set (its own connection), else the shared PostgreSQL. */
export async function openRateLimiter(
  knex: Knex,
  redis: { readonly url: string; readonly keyPrefix: string } | null,
): Promise<OpenRateLimiter> {
  if (redis === null) return { limiter: new PostgresRateLimiter(knex), close: async () => {} };
  const client = createClient({
    url: redis.url,
    // While Redis is away a hit fails at once (and the request gets 503) rather than waiting in a
    // queue for a reconnect that may take long: a login must never hang on its rate limit.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 1_000),
    },
  });
  // Reconnection is the client's business; a refused hit surfaces as the request's error.
  client.on('error', () => undefined);
  await client.connect();
  return {
    limiter: new RedisRateLimiter(client, redis.keyPrefix),
    close: async () => {
      await client.close().catch(() => client.destroy());
    },
  };
}
