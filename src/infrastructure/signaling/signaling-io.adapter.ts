import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { withRetriedPublish, type SignalingRedisClient } from './signaling-redis.js';

/**
 * The largest socket.io message accepted at all (an SDP may be 64 KB, and JSON escaping adds a
 * little); a bigger one closes the connection before it is parsed. Between 64 KB and this, the
 * payload validation refuses the message with a clear error instead.
 */
export const SIGNALING_MAX_MESSAGE_BYTES = 128 * 1024;

export interface SignalingTransport {
  /** With Redis: the Redis Streams adapter and connection state recovery; without: in memory. */
  readonly redis: SignalingRedisClient | null;
  /** Name of the Redis stream (and prefix of the adapter's other keys and channels). */
  readonly streamName: string;
  /** Set on every HTTP response engine.io answers itself (handshakes, long-polling). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

/**
 * Creates the socket.io server of the gateways. Several instances share rooms and broadcasts
 * through a Redis stream; the Streams adapter (unlike the Pub/Sub one) resumes from its last
 * offset after a Redis restart, so no relayed message is lost, and it stores the sessions that
 * connection state recovery needs to give a briefly disconnected client its rooms and missed
 * packets back.
 */
export class SignalingIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly transport: SignalingTransport,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const { redis, streamName, responseHeaders = {} } = this.transport;
    const server = this.createServer(port, options, redis, streamName);
    // engine.io answers its HTTP requests before Express sees them.
    server.engine.on('headers', (headers: Record<string, string>) => {
      Object.assign(headers, responseHeaders);
    });
    return server;
  }

  private createServer(
    port: number,
    options: ServerOptions | undefined,
    redis: SignalingRedisClient | null,
    streamName: string,
  ): Server {
    return super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: SIGNALING_MAX_MESSAGE_BYTES,
      // A silent network drop is noticed within 20 s, inside the default 30 s reconnect grace.
      pingInterval: 10_000,
      pingTimeout: 10_000,
      ...(redis
        ? {
            adapter: createAdapter(withRetriedPublish(redis), {
              streamName,
              channelPrefix: streamName,
              sessionKeyPrefix: `${streamName}:session:`,
              // Bounds how long a closing server waits for its blocked XREAD.
              blockTimeInMs: 1_000,
            }),
            connectionStateRecovery: {
              maxDisconnectionDuration: 2 * 60_000,
              skipMiddlewares: false,
            },
          }
        : {}),
    } as ServerOptions);
  }
}
