/**
 * The benchmark's clients: for each target, a way to connect N pairs of endpoints and send an
 * SDP-like text from one end of a pair to the other. The text starts with `<sentAt>|`, which
 * the receiving end reads back to measure the one-way latency (both ends live in this process,
 * so they share one clock).
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { BenchUser, TargetName, TargetReady } from './signaling-targets.js';

export interface Endpoint {
  /** Sends `text` to the other end of the pair. */
  send(text: string): void;
  /** Called with each text the other end sent. */
  onText(listener: (text: string) => void): void;
  close(): void;
}

export interface Pair {
  readonly a: Endpoint;
  readonly b: Endpoint;
}

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>) {
  const results: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, offset) =>
      make(start + offset),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

// --- raw ws and PeerJS: plain WebSocket clients ---------------------------------------------

function openWebSocket(url: string, firstMessage?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('error', reject);
    if (firstMessage === undefined) {
      socket.once('open', () => resolve(socket));
      return;
    }
    // PeerJS answers OPEN once the peer is registered: only then can it be addressed.
    const onMessage = (data: WebSocket.RawData): void => {
      if (String(data).includes(firstMessage)) {
        socket.off('message', onMessage);
        resolve(socket);
      }
    };
    socket.on('message', onMessage);
  });
}

function wsEndpoint(
  socket: WebSocket,
  encode: (text: string) => string,
  decode: (data: string) => string | null,
): Endpoint {
  return {
    send: (text) => socket.send(encode(text)),
    onText: (listener) =>
      socket.on('message', (data) => {
        const text = decode(String(data));
        if (text !== null) listener(text);
      }),
    close: () => socket.terminate(),
  };
}

async function rawWsPairs(port: number, pairs: number): Promise<Pair[]> {
  return inBatches(pairs, 100, async (index) => {
    const [idA, idB] = [`a${index}`, `b${index}`];
    const [socketA, socketB] = await Promise.all([
      openWebSocket(`ws://127.0.0.1:${port}/?id=${idA}`),
      openWebSocket(`ws://127.0.0.1:${port}/?id=${idB}`),
    ]);
    const endpoint = (socket: WebSocket, to: string) =>
      wsEndpoint(
        socket,
        (text) => JSON.stringify({ to, type: 'offer', payload: { type: 'offer', sdp: text } }),
        (data) => (JSON.parse(data) as { payload: { sdp: string } }).payload.sdp,
      );
    return { a: endpoint(socketA, idB), b: endpoint(socketB, idA) };
  });
}

async function peerjsPairs(port: number, pairs: number): Promise<Pair[]> {
  return inBatches(pairs, 100, async (index) => {
    const [idA, idB] = [`a${index}`, `b${index}`];
    const url = (id: string) => `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=t${index}`;
    const [socketA, socketB] = await Promise.all([
      openWebSocket(url(idA), '"OPEN"'),
      openWebSocket(url(idB), '"OPEN"'),
    ]);
    const endpoint = (socket: WebSocket, dst: string) =>
      wsEndpoint(
        socket,
        (text) =>
          JSON.stringify({ type: 'OFFER', dst, payload: { sdp: { type: 'offer', sdp: text } } }),
        (data) => {
          const message = JSON.parse(data) as { type: string; payload?: { sdp?: { sdp: string } } };
          return message.type === 'OFFER' ? (message.payload?.sdp?.sdp ?? null) : null;
        },
      );
    return { a: endpoint(socketA, idB), b: endpoint(socketB, idA) };
  });
}

// --- the gateway: socket.io clients in a real call ------------------------------------------

async function api<T>(port: number, token: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** What a gateway client needs of its connection: emit, emit with an ack, listen. */
interface GatewayConnection {
  emit(event: string, payload: unknown): void;
  request(event: string, payload: unknown): Promise<{ ok: boolean; code?: string }>;
  on(event: string, listener: (payload: Record<string, unknown>) => void): void;
  close(): void;
}

/** The real socket.io-client (BENCH_GATEWAY_CLIENT=socket.io-client). */
function connectSocketIo(port: number, token: string): Promise<GatewayConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(`http://127.0.0.1:${port}/webrtc`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect_error', reject);
    socket.once('connect', () =>
      resolve({
        emit: (event, payload) => socket.emit(event, payload),
        request: async (event, payload) =>
          (await socket.timeout(30_000).emitWithAck(event, payload)) as { ok: boolean },
        on: (event, listener) => socket.on(event, listener),
        close: () => socket.close(),
      }),
    );
  });
}

/**
 * The socket.io protocol (Engine.IO 4 over WebSocket, socket.io 5 packets) spoken directly over
 * `ws`, as the raw-ws and PeerJS clients do, so that the clients' cost is the same small one for
 * every server and the comparison is about the servers. The wire format: `40/webrtc,{auth}`
 * connects, `42/webrtc,["event",payload]` is an event, `42/webrtc,<id>[...]` wants the ack
 * `43/webrtc,<id>[answer]`, and the server's ping `2` is answered `3`.
 */
function connectWire(port: number, token: string): Promise<GatewayConnection> {
  const NSP = '/webrtc,';
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    const listeners = new Map<string, (payload: Record<string, unknown>) => void>();
    const acks = new Map<number, (answer: { ok: boolean; code?: string }) => void>();
    let nextAck = 1;
    const connection: GatewayConnection = {
      emit: (event, payload) => socket.send(`42${NSP}${JSON.stringify([event, payload])}`),
      request: (event, payload) =>
        new Promise((resolveAck) => {
          const id = nextAck++;
          acks.set(id, resolveAck);
          socket.send(`42${NSP}${id}${JSON.stringify([event, payload])}`);
        }),
      on: (event, listener) => listeners.set(event, listener),
      close: () => socket.terminate(),
    };
    socket.once('error', reject);
    socket.on('message', (data) => {
      const text = String(data);
      if (text === '2') return socket.send('3');
      if (text.startsWith('0')) return socket.send(`40${NSP}${JSON.stringify({ token })}`);
      if (text.startsWith(`40${NSP}`)) return resolve(connection);
      if (text.startsWith(`44${NSP}`)) return reject(new Error(text));
      if (text.startsWith(`42${NSP}`)) {
        const [event, payload] = JSON.parse(text.slice(2 + NSP.length)) as [
          string,
          Record<string, unknown>,
        ];
        listeners.get(event)?.(payload);
        return;
      }
      if (text.startsWith(`43${NSP}`)) {
        const body = text.slice(2 + NSP.length);
        const bracket = body.indexOf('[');
        const [answer] = JSON.parse(body.slice(bracket)) as [{ ok: boolean }];
        acks.get(Number(body.slice(0, bracket)))?.(answer);
        acks.delete(Number(body.slice(0, bracket)));
      }
    });
  });
}

async function gatewayPairs(ready: TargetReady): Promise<Pair[]> {
  const { port } = ready;
  return inBatches(ready.pairs.length, 50, async (index) => {
    const users = ready.pairs[index];
    if (!users) throw new Error('missing bench users');
    // A real call: rung over REST, answered, joined by both over the socket.
    const call = await api<{ id: string }>(port, users.provider.token, '/webrtc/calls', {
      patientId: users.patient.id,
      type: 'VIDEO',
    });
    await api(port, users.patient.token, `/webrtc/calls/${call.id}/answer`, {});
    const connect =
      process.env['BENCH_GATEWAY_CLIENT'] === 'socket.io-client' ? connectSocketIo : connectWire;
    const [provider, patient] = await Promise.all([
      connect(port, users.provider.token),
      connect(port, users.patient.token),
    ]);
    for (const socket of [provider, patient]) {
      const ack = await socket.request('join-call', { callId: call.id });
      if (!ack.ok) throw new Error(`join-call: ${ack.code}`);
    }
    const endpoint = (socket: GatewayConnection, to: BenchUser): Endpoint => ({
      send: (text) =>
        socket.emit('offer', { callId: call.id, to: to.id, sdp: { type: 'offer', sdp: text } }),
      onText: (listener) =>
        socket.on('offer', (message) => listener((message['sdp'] as { sdp: string }).sdp)),
      close: () => socket.close(),
    });
    return { a: endpoint(provider, users.patient), b: endpoint(patient, users.provider) };
  });
}

export function connectPairs(
  target: TargetName,
  ready: TargetReady,
  pairs: number,
): Promise<Pair[]> {
  switch (target) {
    case 'raw-ws':
      return rawWsPairs(ready.port, pairs);
    case 'peerjs':
      return peerjsPairs(ready.port, pairs);
    case 'gateway':
      return gatewayPairs(ready);
  }
}
