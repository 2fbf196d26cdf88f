import { SignalingClient, type Ack } from '../support/socket-client.js';
import { DEMO, TestServer } from '../support/test-server.js';

const KB = 1024;
const SDP = { type: 'offer', sdp: 'v=0\r\n' };

type Case = readonly [name: string, event: string, args: readonly unknown[], code: string];

describe('signaling payload validation', () => {
  let api: TestServer;
  let provider: SignalingClient;
  let patient: SignalingClient;
  let callId: string;
  const extra: SignalingClient[] = [];

  beforeAll(async () => {
    api = await TestServer.start({
      SIGNALING_RATE_LIMIT_BURST: '120',
      SIGNALING_RATE_LIMIT_PER_SECOND: '50',
    });
    provider = await SignalingClient.as(api, 'provider');
    patient = await SignalingClient.as(api, 'patient');
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    callId = call.body.id;
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    expect(await provider.request('join-call', { callId })).toMatchObject({ ok: true });
    expect(await patient.request('join-call', { callId })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    for (const client of [provider, patient, ...extra]) client.close();
    await api.stop();
  });

  const to = DEMO.patient.id;
  const relay = (fields: Record<string, unknown>) => ({ callId, to, ...fields });
  const quality = (fields: Record<string, unknown>) => ({
    callId,
    rttMs: 50,
    jitterMs: 2,
    packetLossPct: 0,
    ...fields,
  });
  const candidate = (fields: Record<string, unknown>) =>
    relay({ candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', ...fields } });

  // Built lazily: callId exists only once beforeAll ran.
  const cases = (): Case[] => [
    // The envelope of a message
    ['no payload at all', 'join-call', [], 'SIGNAL.INVALID_PAYLOAD'],
    ['a null payload', 'join-call', [null], 'SIGNAL.INVALID_PAYLOAD'],
    ['a string payload', 'join-call', [callId], 'SIGNAL.INVALID_PAYLOAD'],
    ['a number payload', 'join-call', [42], 'SIGNAL.INVALID_PAYLOAD'],
    ['an array payload', 'join-call', [[callId]], 'SIGNAL.INVALID_PAYLOAD'],
    ['two payloads', 'leave-call', [{ callId }, { callId }], 'SIGNAL.INVALID_PAYLOAD'],
    ['an unknown event', 'hack-call', [{ callId }], 'SIGNAL.UNKNOWN_EVENT'],
    ['a misspelt event', 'join_call', [{ callId }], 'SIGNAL.UNKNOWN_EVENT'],
    // join-call / leave-call / reconnect-call
    ['no callId', 'join-call', [{}], 'SIGNAL.INVALID_PAYLOAD'],
    ['a callId that is not a UUID', 'join-call', [{ callId: 'call-1' }], 'SIGNAL.INVALID_PAYLOAD'],
    ['a numeric callId', 'leave-call', [{ callId: 123 }], 'SIGNAL.INVALID_PAYLOAD'],
    ['a null callId', 'reconnect-call', [{ callId: null }], 'SIGNAL.INVALID_PAYLOAD'],
    ['an empty callId', 'reconnect-call', [{ callId: '' }], 'SIGNAL.INVALID_PAYLOAD'],
    ['an unknown field', 'leave-call', [{ callId, force: true }], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'a client-sent from',
      'join-call',
      [{ callId, from: DEMO.provider2.id }],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    // offer / answer
    ['an SDP given as a string', 'offer', [relay({ sdp: 'v=0' })], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'an answer SDP in an offer',
      'offer',
      [relay({ sdp: { type: 'answer', sdp: 'v=0' } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    ['an offer SDP in an answer', 'answer', [relay({ sdp: SDP })], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'an SDP without its text',
      'offer',
      [relay({ sdp: { type: 'offer' } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an SDP text that is a number',
      'offer',
      [relay({ sdp: { type: 'offer', sdp: 5 } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an unknown field inside the SDP',
      'offer',
      [relay({ sdp: { ...SDP, hacked: true } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    ['a null SDP', 'answer', [relay({ sdp: null })], 'SIGNAL.INVALID_PAYLOAD'],
    ['an SDP given as an array', 'answer', [relay({ sdp: [SDP] })], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'an SDP over 64 KB',
      'offer',
      [relay({ sdp: { type: 'offer', sdp: 'a'.repeat(64 * KB + 1) } })],
      'SIGNAL.PAYLOAD_TOO_LARGE',
    ],
    [
      'an SDP over 64 KB in bytes, not characters',
      'answer',
      [relay({ sdp: { type: 'answer', sdp: 'é'.repeat(33 * KB) } })],
      'SIGNAL.PAYLOAD_TOO_LARGE',
    ],
    ['no recipient', 'offer', [{ callId, sdp: SDP }], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'a recipient that is not a user id',
      'offer',
      [relay({ to: 'bob', sdp: SDP })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a spoofed from on an offer',
      'offer',
      [relay({ from: DEMO.provider2.id, sdp: SDP })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a __proto__ key',
      'offer',
      [
        JSON.parse(
          `{"callId":"${callId}","to":"${to}","sdp":{"type":"offer","sdp":"v=0"},"__proto__":{"admin":true}}`,
        ),
      ],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a constructor key inside the SDP',
      'offer',
      [relay({ sdp: { ...SDP, constructor: { prototype: { admin: true } } } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a deeply nested value',
      'offer',
      [relay({ sdp: { type: 'offer', sdp: { a: { b: { c: { d: { e: 1 } } } } } } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'binary SDP text',
      'offer',
      [relay({ sdp: { type: 'offer', sdp: Buffer.from('v=0') } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an SDP with a lone surrogate',
      'offer',
      [relay({ sdp: { type: 'offer', sdp: 'v=0\r\ns=\ud800\r\n' } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an answer SDP with NUL',
      'answer',
      [relay({ sdp: { type: 'answer', sdp: 'v=0\r\n\u0000' } })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    // ice-candidate
    [
      'a candidate given as a string',
      'ice-candidate',
      [relay({ candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a candidate over 4 KB',
      'ice-candidate',
      [candidate({ candidate: 'c'.repeat(4 * KB + 1) })],
      'SIGNAL.PAYLOAD_TOO_LARGE',
    ],
    [
      'a candidate object over 4 KB in all',
      'ice-candidate',
      [
        candidate({
          candidate: 'c'.repeat(3800),
          sdpMid: 'm'.repeat(200),
          usernameFragment: 'u'.repeat(200),
        }),
      ],
      'SIGNAL.PAYLOAD_TOO_LARGE',
    ],
    [
      'a candidate with NUL',
      'ice-candidate',
      [candidate({ candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host\u0000' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a usernameFragment with a lone surrogate',
      'ice-candidate',
      [candidate({ usernameFragment: '\udc00abc' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an sdpMid over 256 characters',
      'ice-candidate',
      [candidate({ sdpMid: 'm'.repeat(257) })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a negative sdpMLineIndex',
      'ice-candidate',
      [candidate({ sdpMLineIndex: -1 })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a fractional sdpMLineIndex',
      'ice-candidate',
      [candidate({ sdpMLineIndex: 1.5 })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an sdpMLineIndex given as text',
      'ice-candidate',
      [candidate({ sdpMLineIndex: '0' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an unknown field inside the candidate',
      'ice-candidate',
      [candidate({ relayAddress: '203.0.113.9' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    ['no candidate', 'ice-candidate', [relay({})], 'SIGNAL.INVALID_PAYLOAD'],
    // update-media
    ['no media flag', 'update-media', [{ callId }], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'a flag given as text',
      'update-media',
      [{ callId, video: 'false' }],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    ['a flag given as a number', 'update-media', [{ callId, audio: 1 }], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'an unknown media flag',
      'update-media',
      [{ callId, microphone: false }],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    // connection-quality
    ['a negative RTT', 'connection-quality', [quality({ rttMs: -1 })], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'an RTT given as text',
      'connection-quality',
      [quality({ rttMs: '100' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    ['an absurd RTT', 'connection-quality', [quality({ rttMs: 1e9 })], 'SIGNAL.INVALID_PAYLOAD'],
    [
      'a loss above 100 %',
      'connection-quality',
      [quality({ packetLossPct: 101 })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'no jitter',
      'connection-quality',
      [{ callId, rttMs: 50, packetLossPct: 0 }],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an unknown candidate type',
      'connection-quality',
      [quality({ candidateType: 'turn' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'an unknown connection state',
      'connection-quality',
      [quality({ connectionState: 'great' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a negative bitrate',
      'connection-quality',
      [quality({ bitrateKbps: -5 })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
    [
      'a quality report with an unknown field',
      'connection-quality',
      [quality({ ip: '192.0.2.1' })],
      'SIGNAL.INVALID_PAYLOAD',
    ],
  ];

  it('has at least 40 kinds of bad input', () => {
    expect(cases().length).toBeGreaterThanOrEqual(40);
  });

  it('answers every malformed or oversized payload with a clear error and appends nothing', async () => {
    const before = await api.ledgerEventCount();
    const answers: Array<{ name: string; ack: Ack }> = [];
    for (const [name, event, args] of cases()) {
      answers.push({ name, ack: await provider.request(event, ...args) });
    }
    for (const [index, [name, , , code]] of cases().entries()) {
      const { ack } = answers[index] ?? { ack: undefined };
      expect({ name, ack }).toEqual({
        name,
        ack: { ok: false, code, message: expect.stringMatching(/\S+ \S+ \S+/) },
      });
    }
    // The same payloads without an ack callback get an `error` event each (async answers may
    // overtake one another, so compare them as a whole).
    for (const [, event, args] of cases()) provider.send(event, ...args);
    const errors: Array<Record<string, unknown>> = [];
    for (let index = 0; index < cases().length; index++) errors.push(await provider.next('error'));
    const describeError = (error: Record<string, unknown>) =>
      `${String(error['event'])} ${String(error['code'])} ${typeof error['message']}`;
    expect(errors.map(describeError).sort()).toEqual(
      cases()
        .map(([, event, , code]) => `${event} ${code} string`)
        .sort(),
    );
    const relayed = ['offer', 'answer', 'ice-candidate', 'participant-media-updated'];
    expect(patient.received.filter((entry) => relayed.includes(entry.event))).toEqual([]);
    expect(await api.ledgerEventCount()).toBe(before);

    // The server is still up, and the same connection still works.
    expect(
      await provider.request('offer', { callId, to, sdp: { type: 'offer', sdp: 'v=0' } }),
    ).toEqual({ ok: true });
    expect(await patient.next('offer')).toMatchObject({ from: DEMO.provider.id });
  });

  it('closes a connection whose message exceeds 128 KB, before parsing it', async () => {
    const client = await SignalingClient.as(api, 'provider');
    extra.push(client);
    const before = await api.ledgerEventCount();
    const disconnected = new Promise<string>((resolve) =>
      client.socket.once('disconnect', resolve),
    );
    client.send('offer', { callId, to, sdp: { type: 'offer', sdp: 'a'.repeat(200 * KB) } });
    expect(await disconnected).toBe('transport close');
    expect(await patient.quietFor(100, 'offer')).toEqual([]);
    expect(await api.ledgerEventCount()).toBe(before);
  });

  it('answers a flood from one connection with SIGNAL.RATE_LIMITED, then lets it go on', async () => {
    const flooder = await SignalingClient.as(api, 'provider');
    extra.push(flooder);
    expect(await flooder.request('reconnect-call', { callId })).toMatchObject({
      ok: true,
      resumed: true,
    });
    const acks = await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        flooder.request('ice-candidate', candidate({ sdpMid: String(index) })),
      ),
    );
    const limited = acks.filter((ack) => ack.code === 'SIGNAL.RATE_LIMITED');
    expect(acks.filter((ack) => ack.ok).length).toBeGreaterThanOrEqual(120);
    expect(limited.length).toBeGreaterThanOrEqual(150);
    expect(limited[0]?.message).toMatch(/Too many messages.*slow down/);
    // Another connection is not affected; the flooder recovers once it slows down.
    expect(await patient.request('update-media', { callId, audio: false })).toMatchObject({
      ok: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await flooder.request('ice-candidate', candidate({}))).toEqual({ ok: true });
  });
});
