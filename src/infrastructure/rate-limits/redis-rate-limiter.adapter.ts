import type { createClient } from 'redis';
import type { RateLimitDecision, RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { rateLimitsUnavailable } from '../../application/retry-later.error.js';
import { rateLimitKeyDigest } from './rate-limit-key.js';

export type RateLimitRedisClient = ReturnType<typeof createClient>;

/** Counts a hit and starts the window on the first; answers the count and the window's rest (ms). */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

/** A reconnect takes a second or two. */
const RETRY_AFTER_SECONDS = 2;

/** Fixed-window counters in Redis (with REDIS_URL): one atomic script a hit, expired by Redis. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RateLimitRedisClient,
    /** Keeps one deployment's counters apart from everything else in that Redis. */
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    let reply: [number, number];
    try {
      reply = (await this.redis.eval(HIT, {
        keys: [this.keyOf(key)],
        arguments: [String(windowSeconds * 1000)],
      })) as [number, number];
    } catch {
      // Redis away (or refusing): no count, so no request goes through uncounted.
      throw rateLimitsUnavailable(RETRY_AFTER_SECONDS);
    }
    const [hits, ttlMs] = reply;
    return {
      allowed: hits <= limit,
      hits,
      retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return `${this.prefix}${rateLimitKeyDigest(key).toString('hex')}`;
  }
}
