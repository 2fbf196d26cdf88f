/**
 * The benchmark's clients: for each server, a way to connect N pairs of endpoints and send an
 * SDP-like message of 1.5 KB from one end of a pair to the other.
 *
 * Clients must cost next to nothing, or they, not the servers, are measured (the whole run shares
 * two cores). So every client speaks its server's wire format over a bare `ws` socket, builds each
 * message from a ready-made string with the send time spliced in, and reads the time back from the
 * received text with `indexOf`, without parsing the JSON. The send time is `performance.now()` of
 * this process, which holds both ends of every pair.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { BenchUser, TargetName, TargetReady } from './signaling-targets.js';

export const MESSAGE_BYTES = 1536;
const STAMP = '@@';
const STAMP_WIDTH = 16;

export interface Endpoint {
  /** Sends a 1.5 KB SDP-like message carrying `sentAt` to the other end of the pair. */
  send(sentAt: number): void;
  /** Called with the send time of each message from the other end. */
  onArrival(listener: (sentAt: number) => void): void;
  close(): void;
}

export interface Pair {
  readonly a: Endpoint;
  readonly b: Endpoint;
}

const SDP_LINES = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic: WMS stream',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 103 104 9 0 8 106 105 13 110 112 113 126',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Ab3x',
  'a=ice-pwd:4fTq0bHk2mWlq8Vn1aP3zY7c',
  'a=fingerprint:sha-256 7B:2E:91:4C:5D:0A:6F:13:88:2B:E4:AF:09:7C:31:D2:4E:55:10:9A:BC:3F:62:7D:1E:08:C9:A4:5B:F0:36:21',
  'a=setup:actpass',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
];

/**
 * Splits the wire text of one message around its time stamp: `head + stamp + tail`. The SDP text
 * (`v=0...`, with real `\r\n` line ends) is padded so that the whole frame is 1.5 KB.
 */
function template(wire: (sdp: string) => string): { head: string; tail: string } {
  let sdp = `${STAMP}${'0'.repeat(STAMP_WIDTH)}\r\n`;
  while (Buffer.byteLength(wire(sdp)) < MESSAGE_BYTES) sdp += `${SDP_LINES.join('\r\n')}\r\n`;
  // Trim whole characters from the end (JSON escapes of \r\n count two bytes each).
  while (Buffer.byteLength(wire(sdp)) > MESSAGE_BYTES) sdp = sdp.slice(0, -1);
  const full = wire(sdp);
  const at = full.indexOf(STAMP) + STAMP.length;
  return { head: full.slice(0, at), tail: full.slice(at + STAMP_WIDTH) };
}

function stamp(sentAt: number): string {
  return sentAt.toFixed(3).padStart(STAMP_WIDTH, '0');
}

function readStamp(text: string): number {
  const at = text.indexOf(STAMP) + STAMP.length;
  return Number(text.slice(at, at + STAMP_WIDTH));
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

function openWebSocket(url: string, waitFor?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    socket.once('error', reject);
    if (waitFor === undefined) {
      socket.once('open', () => resolve(socket));
      return;
    }
    // PeerJS says OPEN once the peer is registered: only then can it be addressed.
    const onMessage = (data: WebSocket.RawData): void => {
      if (String(data).includes(waitFor)) {
        socket.off('message', onMessage);
        resolve(socket);
      }
    };
    socket.on('message', onMessage);
  });
}

/** An endpoint that sends `head + stamp + tail` and reads stamps out of matching frames. */
function wsEndpoint(
  socket: WebSocket,
  message: { head: string; tail: string },
  marker: string,
): Endpoint {
  return {
    send: (sentAt) => socket.send(message.head + stamp(sentAt) + message.tail),
    onArrival: (listener) =>
      socket.on('message', (data) => {
        const text = String(data);
        if (text.includes(marker)) listener(readStamp(text));
      }),
    close: () => socket.terminate(),
  };
}

// --- raw ws: {to, type, payload} in, {type, from, payload} out --------------------------------

async function rawWsPairs(port: number, pairs: number): Promise<Pair[]> {
  return inBatches(pairs, 100, async (index) => {
    const [idA, idB] = [`a${index}`, `b${index}`];
    const [socketA, socketB] = await Promise.all([
      openWebSocket(`ws://127.0.0.1:${port}/?id=${idA}`),
      openWebSocket(`ws://127.0.0.1:${port}/?id=${idB}`),
    ]);
    const message = (to: string) =>
      template((sdp) => JSON.stringify({ to, type: 'offer', payload: { type: 'offer', sdp } }));
    return {
      a: wsEndpoint(socketA, message(idB), STAMP),
      b: wsEndpoint(socketB, message(idA), STAMP),
    };
  });
}

// --- PeerJS: {type: OFFER, dst, payload} in, with `src` stamped out ---------------------------

async function peerjsPairs(port: number, pairs: number): Promise<Pair[]> {
  return inBatches(pairs, 100, async (index) => {
    const [idA, idB] = [`a${index}`, `b${index}`];
    const url = (id: string) => `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=t${index}`;
    const [socketA, socketB] = await Promise.all([
      openWebSocket(url(idA), '"OPEN"'),
      openWebSocket(url(idB), '"OPEN"'),
    ]);
    const message = (dst: string) =>
      template((sdp) =>
        JSON.stringify({ type: 'OFFER', dst, payload: { sdp: { type: 'offer', sdp } } }),
      );
    return {
      a: wsEndpoint(socketA, message(idB), STAMP),
      b: wsEndpoint(socketB, message(idA), STAMP),
    };
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

const NSP = '/webrtc,';

/**
 * The socket.io protocol (Engine.IO 4 over WebSocket, socket.io 5 packets) spoken directly: the
 * server sees exactly what socket.io-client sends. `40/webrtc,{auth}` connects,
 * `42/webrtc,["event",payload]` is an event, `42/webrtc,<id>[...]` wants the ack
 * `43/webrtc,<id>[answer]`, and the server's ping `2` is answered `3`.
 */
async function connectWire(port: number, token: string) {
  // Listeners go on before anything can arrive: the server's open packet may come in the same
  // read as the upgrade response.
  const socket = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  const acks = new Map<number, (answer: { ok: boolean; code?: string }) => void>();
  let nextAck = 1;
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (data) => {
      const text = String(data);
      if (text === '2') socket.send('3');
      else if (text.startsWith('0')) socket.send(`40${NSP}${JSON.stringify({ token })}`);
      else if (text.startsWith(`40${NSP}`)) resolve();
      else if (text.startsWith(`44${NSP}`)) reject(new Error(text));
      else if (text.startsWith(`43${NSP}`)) {
        const body = text.slice(2 + NSP.length);
        const bracket = body.indexOf('[');
        const id = Number(body.slice(0, bracket));
        const [answer] = JSON.parse(body.slice(bracket)) as [{ ok: boolean }];
        acks.get(id)?.(answer);
        acks.delete(id);
      }
    });
  });
  await connected;
  return {
    socket,
    request: (event: string, payload: unknown) =>
      new Promise<{ ok: boolean; code?: string }>((resolve) => {
        const id = nextAck++;
        acks.set(id, resolve);
        socket.send(`42${NSP}${id}${JSON.stringify([event, payload])}`);
      }),
  };
}

/** The real socket.io-client, for comparison (BENCH_GATEWAY_CLIENT=socket.io-client). */
async function socketIoEndpoints(
  port: number,
  callId: string,
  users: { provider: BenchUser; patient: BenchUser },
) {
  const connect = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(`http://127.0.0.1:${port}/webrtc`, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const [provider, patient] = await Promise.all([
    connect(users.provider.token),
    connect(users.patient.token),
  ]);
  const sdpPadding = 'x'.repeat(MESSAGE_BYTES - 200);
  const endpoint = async (socket: Socket, to: BenchUser): Promise<Endpoint> => {
    const ack = (await socket.timeout(30_000).emitWithAck('join-call', { callId })) as {
      ok: boolean;
    };
    if (!ack.ok) throw new Error('join-call refused');
    return {
      send: (sentAt) =>
        socket.emit('offer', {
          callId,
          to: to.id,
          sdp: { type: 'offer', sdp: `${STAMP}${stamp(sentAt)}\r\n${sdpPadding}` },
        }),
      onArrival: (listener) =>
        socket.on('offer', (message: { sdp: { sdp: string } }) =>
          listener(readStamp(message.sdp.sdp)),
        ),
      close: () => socket.close(),
    };
  };
  return {
    a: await endpoint(provider, users.patient),
    b: await endpoint(patient, users.provider),
  };
}

async function gatewayPairs(ready: TargetReady, realCalls: boolean): Promise<Pair[]> {
  const { port } = ready;
  return inBatches(ready.pairs.length, 50, async (index) => {
    const users = ready.pairs[index];
    if (!users) throw new Error('missing bench users');
    // A real call: rung over REST, answered, joined by both over the socket.
    const call = realCalls
      ? await api<{ id: string }>(port, users.provider.token, '/webrtc/calls', {
          patientId: users.patient.id,
          type: 'VIDEO',
        })
      : { id: randomUUID() };
    if (realCalls) await api(port, users.patient.token, `/webrtc/calls/${call.id}/answer`, {});
    if (process.env['BENCH_GATEWAY_CLIENT'] === 'socket.io-client') {
      return socketIoEndpoints(port, call.id, users);
    }
    const [provider, patient] = await Promise.all([
      connectWire(port, users.provider.token),
      connectWire(port, users.patient.token),
    ]);
    for (const side of [provider, patient]) {
      const ack = await side.request('join-call', { callId: call.id });
      if (!ack.ok) throw new Error(`join-call: ${ack.code}`);
    }
    const message = (to: BenchUser) =>
      template(
        (sdp) =>
          `42${NSP}${JSON.stringify(['offer', { callId: call.id, to: to.id, sdp: { type: 'offer', sdp } }])}`,
      );
    const marker = `42${NSP}["offer"`;
    return {
      a: wsEndpoint(provider.socket, message(users.patient), marker),
      b: wsEndpoint(patient.socket, message(users.provider), marker),
    };
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
      return gatewayPairs(ready, true);
    case 'socket.io':
      return gatewayPairs(ready, false);
  }
}
