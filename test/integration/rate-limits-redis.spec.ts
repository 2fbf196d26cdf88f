import pg from 'pg';
import { createClient } from 'redis';
import { startInstancePair, type InstancePair } from '../support/socket-cluster.js';
import { eventually } from '../support/socket-client.js';
import { PrivateRedis, redisServerBinary } from '../support/socket-redis-server.js';
import { DEMO, TestServer } from '../support/test-server.js';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;

withRedis(`login limits in Redis${REDIS_URL ? '' : ' (skipped: REDIS_URL is not set)'}`, () => {
  let pair: InstancePair;

  beforeAll(async () => {
    pair = await startInstancePair(REDIS_URL ?? '', {
      LOGIN_ATTEMPTS_PER_MINUTE: '3',
      LOGIN_ATTEMPTS_PER_ACCOUNT: '100',
    });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('are shared by two instances through Redis, keyed by digests only', async () => {
    const attempt = (api: typeof pair.a) =>
      api.request('POST', '/auth/login', { body: { email: DEMO.analyst.email, password: 'x' } });
    expect((await attempt(pair.a)).status).toBe(401);
    expect((await attempt(pair.b)).status).toBe(401);
    expect((await attempt(pair.a)).status).toBe(401);
    const refused = await attempt(pair.b);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'AUTH.TOO_MANY_ATTEMPTS' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const keys = await redis.keys(`${pair.streamName}:rate-limit:*`);
      expect(keys.length).toBe(2);
      for (const key of keys) {
        expect(key).toMatch(/:rate-limit:[0-9a-f]{64}$/);
        expect(await redis.pTTL(key)).toBeGreaterThan(0);
      }
    } finally {
      await redis.close();
    }
    // Nothing went to PostgreSQL's counters.
    const client = new pg.Client({ connectionString: pair.a.database.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        'SELECT count(*) FROM rate_limit_counters',
      );
      expect(Number(rows[0]?.count)).toBe(0);
    } finally {
      await client.end();
    }
  });
});

const redisBinary = redisServerBinary();
const withRedisServer = redisBinary ? describe : describe.skip;

withRedisServer('login limits while their Redis is away', () => {
  let redis: PrivateRedis;
  let api: TestServer;

  beforeAll(async () => {
    redis = await PrivateRedis.start(redisBinary ?? '');
    api = await TestServer.start({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
  });

  it('answer 503 with Retry-After at once, record nothing, and count again once it is back', async () => {
    const login = () =>
      api.request('POST', '/auth/login', { body: { email: DEMO.analyst.email, password: 'demo' } });
    expect((await login()).status).toBe(200);
    await redis.kill();
    const before = await api.ledgerEventCount();
    const started = Date.now();
    const refused = await login();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'SERVICE.RATE_LIMITS_UNAVAILABLE' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await api.ledgerEventCount()).toBe(before);

    await redis.run();
    const back = await eventually(login, (response) => response.status === 200, 15_000);
    expect(back.status).toBe(200);
  });
});
