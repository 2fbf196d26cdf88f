/**
 * The servers the signaling benchmark compares, each run in a child process of its own so that
 * its memory (RSS) and CPU are its own (see signaling.bench.ts):
 *
 *   gateway  this project's /webrtc gateway: the whole server (auth, ledger, validation, rooms)
 *   raw-ws   a bare `ws` relay: parse, stamp the sender, forward (the floor: nothing is cheaper)
 *   peerjs   the PeerJS server (npm `peer`), the reference signaling server of STYLE.md
 *   socket.io  (optional) a bare socket.io relay with the gateway's rooms, no auth, no checks:
 *            what socket.io itself costs, to tell it apart from what the gateway adds
 *
 * Started as `node signaling-targets.js <target> <pairs>`; reports `{ type: 'ready', ... }`
 * over IPC and runs until killed.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export type TargetName = 'gateway' | 'raw-ws' | 'peerjs' | 'socket.io';

export interface BenchUser {
  readonly id: string;
  readonly token: string;
}

export interface TargetReady {
  readonly type: 'ready';
  readonly port: number;
  /** gateway only: a provider and a patient per pair, with access tokens. */
  readonly pairs: ReadonlyArray<{ provider: BenchUser; patient: BenchUser }>;
}

function ready(message: TargetReady): void {
  process.send?.(message);
}

/** Parse, stamp `from`, forward to the named socket: what any relay must do at the least. */
async function rawWs(): Promise<void> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, maxPayload: 128 * 1024 });
  const sockets = new Map<string, WebSocket>();
  wss.on('connection', (socket, request) => {
    const id = new URL(request.url ?? '/', 'http://relay').searchParams.get('id');
    if (!id) return socket.close();
    sockets.set(id, socket);
    socket.on('close', () => {
      if (sockets.get(id) === socket) sockets.delete(id);
    });
    socket.on('message', (data) => {
      let message: { to?: unknown; type?: unknown; payload?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return;
      }
      if (typeof message.to !== 'string') return;
      const target = sockets.get(message.to);
      target?.send(JSON.stringify({ type: message.type, from: id, payload: message.payload }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  ready({
    type: 'ready',
    port: typeof address === 'object' && address ? address.port : 0,
    pairs: [],
  });
}

async function peerjs(): Promise<void> {
  const port = await new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const { PeerServer } = await import('peer');
  await new Promise<void>((resolve) => {
    PeerServer({ port, host: '127.0.0.1', path: '/', concurrent_limit: 100_000 }, () => resolve());
  });
  ready({ type: 'ready', port, pairs: [] });
}

/** socket.io with the gateway's room layout and nothing else. */
async function socketIo(): Promise<void> {
  const { Server } = await import('socket.io');
  const server = http.createServer();
  const io = new Server(server, { serveClient: false, maxHttpBufferSize: 128 * 1024 });
  io.of('/webrtc').on('connection', (socket) => {
    const userId = String((socket.handshake.auth as { token?: unknown }).token);
    socket.on('join-call', (payload: { callId: string }, ack: (body: unknown) => void) => {
      void socket.join(`call:${payload.callId}:user:${userId}`);
      ack({ ok: true });
    });
    socket.on('offer', (payload: { callId: string; to: string; sdp: unknown }) => {
      socket
        .to(`call:${payload.callId}:user:${payload.to}`)
        .emit('offer', { callId: payload.callId, from: userId, sdp: payload.sdp });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Users whose "token" is their id: this relay checks nothing.
  const pairs = Array.from({ length: Number(process.argv[3] ?? 100) }, () => {
    const [provider, patient] = [randomUUID(), randomUUID()];
    return {
      provider: { id: provider, token: provider },
      patient: { id: patient, token: patient },
    };
  });
  ready({ type: 'ready', port, pairs });
}

/**
 * The real server on a database of its own, with bench users (a provider and a patient per
 * pair, so that no user room holds more than one socket). The per-socket rate limit is raised:
 * unpaced ping-pong would otherwise measure the limit, not the gateway.
 */
async function gateway(pairs: number): Promise<void> {
  // Loaded here only: the other targets' RSS must not include the whole application.
  const { loadConfig } = await import('../src/infrastructure/config/app-config.js');
  const { startServer } = await import('../src/server.js');
  const { createBenchDatabase } = await import('./bench-database.js');
  const database = await createBenchDatabase('signaling');
  const config = loadConfig({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.connectionString,
    JWT_SECRET: `bench-${randomUUID()}-${randomUUID()}`,
    LOG_LEVEL: 'warn',
    // JSON as in production: a pretty-printing worker thread would count in the gateway's RSS.
    LOG_FORMAT: 'json',
    DEMO_USERS: 'false',
    RING_TIMEOUT_SECONDS: '3600',
    SIGNALING_RATE_LIMIT_PER_SECOND: '1000000',
    SIGNALING_RATE_LIMIT_BURST: '1000000',
    // The load is thousands of clients on one machine: per-user limits would measure themselves.
    CALLS_PER_USER_PER_MINUTE: '1000000',
    QUALITY_REPORTS_PER_USER_PER_MINUTE: '1000000',
  });
  const server = await startServer(config);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server
      .close()
      .then(() => database.drop())
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);

  const { knex, tokens } = server.runtime;
  const users = Array.from({ length: pairs }, (_, index) => ({
    provider: { id: randomUUID(), index },
    patient: { id: randomUUID(), index },
  }));
  const rows = users.flatMap(({ provider, patient }) => [
    {
      id: provider.id,
      email: `bench-provider-${provider.index}@bench.test`,
      role: 'provider',
      display_name: `Bench Provider ${provider.index}`,
      password_hash: 'not-a-password',
    },
    {
      id: patient.id,
      email: `bench-patient-${patient.index}@bench.test`,
      role: 'patient',
      display_name: `Bench Patient ${patient.index}`,
      password_hash: 'not-a-password',
    },
  ]);
  for (let start = 0; start < rows.length; start += 500) {
    await knex('users').insert(rows.slice(start, start + 500));
  }
  const { store: sessions, settings } = server.runtime.sessions;
  const sessionToken = async (userId: string, role: 'provider' | 'patient'): Promise<string> => {
    const { sessionId } = await sessions.open(userId, settings.refreshTokenTtlSeconds);
    return (await tokens.issue({ userId, role, sessionId })).accessToken;
  };
  const withTokens = await Promise.all(
    users.map(async ({ provider, patient }) => ({
      provider: { id: provider.id, token: await sessionToken(provider.id, 'provider') },
      patient: { id: patient.id, token: await sessionToken(patient.id, 'patient') },
    })),
  );
  ready({ type: 'ready', port: server.port, pairs: withTokens });
}

const [, , target, pairs] = process.argv;
// A normal exit on SIGTERM (the gateway handles its own), so that --cpu-prof writes its profile.
if (target !== 'gateway') process.on('SIGTERM', () => process.exit(0));
const run =
  target === 'gateway'
    ? gateway(Number(pairs ?? 100))
    : target === 'raw-ws'
      ? rawWs()
      : target === 'peerjs'
        ? peerjs()
        : target === 'socket.io'
          ? socketIo()
          : Promise.reject(new Error(`unknown target ${String(target)}`));
run.catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
