import { ErrorReply, createClient } from 'redis';

export type SignalingRedisClient = ReturnType<typeof createClient>;

export interface SignalingRedisLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

/** Quiet for this long after reporting that Redis is unreachable (it retries every second). */
const REPORT_EVERY_MS = 30_000;

/**
 * The Redis client of the socket.io scale-out. It reconnects forever (at most a second apart) and
 * queues commands while Redis is away, so a Redis restart delays signaling but loses nothing: the
 * Streams adapter resumes reading its stream where it stopped.
 */
export async function connectSignalingRedis(
  url: string,
  logger: SignalingRedisLogger,
): Promise<SignalingRedisClient> {
  const client = createClient({
    url,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 1_000),
    },
  });
  let reportedAt = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - reportedAt < REPORT_EVERY_MS) return;
    reportedAt = Date.now();
    logger.warn('signaling Redis unreachable; retrying', { error: error.message });
  });
  client.on('ready', () => {
    if (reportedAt !== 0) logger.info('signaling Redis reachable again');
    reportedAt = 0;
  });
  await client.connect();
  return client;
}

/** Closes gracefully, or drops the connection if Redis does not answer within a second. */
export async function closeSignalingRedis(client: SignalingRedisClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1_000);
  });
  await Promise.race([client.close().catch(() => undefined), timeout]);
  clearTimeout(timer);
  if (client.isOpen) client.destroy();
}

/** How long a publish keeps being retried while Redis is away. */
const PUBLISH_RETRY_MS = 60_000;

/**
 * The client the adapter publishes with. Commands issued while Redis is away wait in the client's
 * queue and go out on reconnect; an XADD already on the wire when the connection dropped would be
 * rejected and its message lost, so it is sent again once Redis is back (at least once: a reply
 * lost after Redis stored it may, rarely, deliver a signaling message twice). Errors Redis itself
 * answers are not retried.
 */
export function withRetriedPublish(client: SignalingRedisClient): SignalingRedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property !== 'xAdd') return method.bind(target);
      return async (...args: unknown[]) => {
        const deadline = Date.now() + PUBLISH_RETRY_MS;
        for (;;) {
          try {
            return await method.apply(target, args);
          } catch (error) {
            if (error instanceof ErrorReply || !target.isOpen || Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      };
    },
  });
}
