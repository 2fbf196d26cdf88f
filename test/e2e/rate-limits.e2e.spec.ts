import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { SignalingClient } from '../support/socket-client.js';
import { createTestDatabase } from '../support/test-database.js';
import { DEMO, TestServer, type ApiResponse } from '../support/test-server.js';

const GOOD_LINK = { rttMs: 60, jitterMs: 3, packetLossPct: 0.2, bitrateKbps: 1800 };

function login(
  api: TestServer,
  email: string,
  password: string,
  forwardedFor?: string,
): Promise<ApiResponse> {
  return api.request('POST', '/auth/login', {
    body: { email, password },
    ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}),
  });
}

function expectTooMany(response: ApiResponse, code: string, windowSeconds: number): void {
  expect(response.status).toBe(429);
  expect(response.body).toMatchObject({ statusCode: 429, code });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(response.body['retryAfterSeconds']).toBe(retryAfter);
}

describe('login limits', () => {
  it('answers 429 AUTH.TOO_MANY_ATTEMPTS with Retry-After per address, before the password is checked, appending nothing', async () => {
    const api = await TestServer.start({ LOGIN_ATTEMPTS_PER_MINUTE: '3' });
    try {
      for (const email of ['a@demo.test', 'b@demo.test', 'c@demo.test']) {
        expect((await login(api, email, 'wrong')).status).toBe(401);
      }
      const before = await api.ledgerEventCount();
      // Even the right password: the attempt is refused before it is looked at.
      const refused = await login(api, DEMO.provider.email, 'demo');
      expectTooMany(refused, 'AUTH.TOO_MANY_ATTEMPTS', 60);
      expect(await api.ledgerEventCount()).toBe(before);
    } finally {
      await api.stop();
    }
  });

  it('shares the count between two instances on one database', async () => {
    const database = await createTestDatabase();
    const env = { LOGIN_ATTEMPTS_PER_MINUTE: '4' };
    const first = await TestServer.start(env, { database });
    const second = await TestServer.start(env, { database });
    try {
      for (const api of [first, second, first, second]) {
        expect((await login(api, `nobody-${randomUUID()}@demo.test`, 'wrong')).status).toBe(401);
      }
      expectTooMany(await login(first, DEMO.patient.email, 'demo'), 'AUTH.TOO_MANY_ATTEMPTS', 60);
      expectTooMany(await login(second, DEMO.patient.email, 'demo'), 'AUTH.TOO_MANY_ATTEMPTS', 60);
    } finally {
      await first.stop();
      await second.stop();
      await database.drop();
    }
  });

  it('locks an account whatever address the attempts come from, and only that account', async () => {
    const api = await TestServer.start({
      TRUST_PROXY: 'loopback',
      LOGIN_ATTEMPTS_PER_ACCOUNT: '3',
      LOGIN_ACCOUNT_LOCKOUT_SECONDS: '600',
    });
    try {
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        expect((await login(api, DEMO.patient.email, 'wrong', address)).status).toBe(401);
      }
      // Another address, the right password, another spelling of the email: still locked.
      const locked = await login(api, 'Patient@Demo.TEST', 'demo', '198.51.100.4');
      expectTooMany(locked, 'AUTH.TOO_MANY_ATTEMPTS', 600);
      expect((await login(api, DEMO.provider.email, 'demo', '198.51.100.4')).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  it('clears the account count when a login succeeds', async () => {
    const api = await TestServer.start({ LOGIN_ATTEMPTS_PER_ACCOUNT: '3' });
    try {
      expect((await login(api, DEMO.provider2.email, 'wrong')).status).toBe(401);
      expect((await login(api, DEMO.provider2.email, 'wrong')).status).toBe(401);
      expect((await login(api, DEMO.provider2.email, 'demo')).status).toBe(200);
      expect((await login(api, DEMO.provider2.email, 'wrong')).status).toBe(401);
      expect((await login(api, DEMO.provider2.email, 'wrong')).status).toBe(401);
      expect((await login(api, DEMO.provider2.email, 'demo')).status).toBe(200);
    } finally {
      await api.stop();
    }
  });
});

describe('the client address behind proxies (TRUST_PROXY)', () => {
  async function callOrigin(api: TestServer, forwardedFor: string): Promise<unknown> {
    const response = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
      headers: { 'x-forwarded-for': forwardedFor },
    });
    expect(response.status).toBe(201);
    const [initiated] = await api.server.runtime.eventStore.readStream(`call-${response.body.id}`);
    return initiated?.metadata.origin;
  }

  it('believes X-Forwarded-For from a trusted hop: limits and the ledger see the client', async () => {
    const api = await TestServer.start({
      TRUST_PROXY: '127.0.0.1',
      LOGIN_ATTEMPTS_PER_MINUTE: '2',
    });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        expect((await login(api, 'x@demo.test', 'wrong', '203.0.113.1')).status).toBe(401);
      }
      expectTooMany(
        await login(api, 'x@demo.test', 'wrong', '203.0.113.1'),
        'AUTH.TOO_MANY_ATTEMPTS',
        60,
      );
      // Another client behind the same proxy has its own count.
      expect((await login(api, DEMO.provider.email, 'demo', '203.0.113.2')).status).toBe(200);
      // The proxy appends the peer it saw; what the client wrote before it is not believed.
      expect(await callOrigin(api, '10.9.9.9, 203.0.113.9')).toMatchObject({ ip: '203.0.113.9' });
    } finally {
      await api.stop();
    }
  });

  it('gives sockets the same client address: events they cause carry it', async () => {
    for (const [env, expected] of [
      [{ TRUST_PROXY: '1' }, '203.0.113.7'],
      [{}, '127.0.0.1'],
    ] as const) {
      const api = await TestServer.start(env);
      const socket = io(`${api.server.url}/webrtc`, {
        auth: { token: await api.tokenFor('provider') },
        transports: ['websocket'],
        extraHeaders: { 'x-forwarded-for': '203.0.113.7' },
        reconnection: false,
        forceNew: true,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
          body: { patientId: DEMO.patient.id, type: 'VIDEO' },
        });
        const joined = await socket.emitWithAck('join-call', { callId: call.body.id });
        expect(joined).toMatchObject({ ok: true });
        const events = await api.server.runtime.eventStore.readStream(`call-${call.body.id}`);
        const byTheSocket = events.filter((event) => event.type === 'ParticipantJoined');
        expect(byTheSocket).toHaveLength(1);
        expect(byTheSocket[0]?.metadata.origin).toMatchObject({ ip: expected });
      } finally {
        socket.close();
        await api.stop();
      }
    }
  });

  it('keeps the socket address when the peer is not a trusted proxy, whatever it forwards', async () => {
    const untrusted: Array<Record<string, string>> = [{}, { TRUST_PROXY: '10.0.0.0/8' }];
    for (const env of untrusted) {
      const api = await TestServer.start({ ...env, LOGIN_ATTEMPTS_PER_MINUTE: '2' });
      try {
        expect((await login(api, 'x@demo.test', 'wrong', '203.0.113.1')).status).toBe(401);
        expect((await login(api, 'y@demo.test', 'wrong', '203.0.113.2')).status).toBe(401);
        // A forged address does not buy a fresh count.
        expectTooMany(
          await login(api, DEMO.provider.email, 'demo', '203.0.113.3'),
          'AUTH.TOO_MANY_ATTEMPTS',
          60,
        );
      } finally {
        await api.stop();
      }
      const ledger = await TestServer.start(env);
      try {
        expect(await callOrigin(ledger, '203.0.113.9')).toMatchObject({ ip: '127.0.0.1' });
      } finally {
        await ledger.stop();
      }
    }
  });
});

describe('per-user limits', () => {
  it('limits POST /webrtc/calls per user across instances: 429 REQUEST.RATE_LIMITED with Retry-After', async () => {
    const database = await createTestDatabase();
    const env = { CALLS_PER_USER_PER_MINUTE: '2' };
    const first = await TestServer.start(env, { database });
    const second = await TestServer.start(env, { database });
    const call = (api: TestServer, user: 'provider' | 'provider2') =>
      api.as('provider', 'POST', '/webrtc/calls', {
        body: {
          patientId: user === 'provider' ? DEMO.patient.id : DEMO.patient2.id,
          type: 'AUDIO',
        },
      });
    try {
      expect((await call(first, 'provider')).status).toBe(201);
      expect((await call(second, 'provider')).status).toBe(201);
      const before = await first.ledgerEventCount();
      expectTooMany(await call(first, 'provider'), 'REQUEST.RATE_LIMITED', 60);
      expect(await first.ledgerEventCount()).toBe(before);
      const other = await second.as('provider2', 'POST', '/webrtc/calls', {
        body: { patientId: DEMO.patient2.id, type: 'AUDIO' },
      });
      expect(other.status).toBe(201);
    } finally {
      await first.stop();
      await second.stop();
      await database.drop();
    }
  });

  it('limits recording downloads per user', async () => {
    const api = await TestServer.start({ MEDIA_DOWNLOADS_PER_USER_PER_MINUTE: '2' });
    try {
      const media = `/webrtc/calls/${randomUUID()}/recordings/${randomUUID()}/media`;
      expect((await api.as('auditor', 'GET', media)).status).toBe(404);
      expect((await api.as('auditor', 'GET', media)).status).toBe(404);
      expectTooMany(await api.as('auditor', 'GET', media), 'REQUEST.RATE_LIMITED', 60);
      expect((await api.as('admin', 'GET', media)).status).toBe(404);
    } finally {
      await api.stop();
    }
  });

  it('limits quality reports per user across connections', async () => {
    const api = await TestServer.start({ QUALITY_REPORTS_PER_USER_PER_MINUTE: '3' });
    const clients: SignalingClient[] = [];
    try {
      const response = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
        body: { patientId: DEMO.patient.id, type: 'VIDEO' },
      });
      const callId = response.body.id;
      await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
      const provider = await SignalingClient.as(api, 'provider');
      const patient = await SignalingClient.as(api, 'patient');
      clients.push(provider, patient);
      for (const client of clients) {
        expect(await client.request('join-call', { callId })).toMatchObject({ ok: true });
      }
      const report = (client: SignalingClient) =>
        client.request('connection-quality', { callId, ...GOOD_LINK });
      for (let sample = 0; sample < 3; sample++) {
        expect(await report(patient)).toMatchObject({ ok: true });
      }
      // A new connection of the same user (taking the call over) gets no fresh allowance.
      const patientAgain = await SignalingClient.as(api, 'patient');
      clients.push(patientAgain);
      expect(await patientAgain.request('reconnect-call', { callId })).toMatchObject({ ok: true });
      expect(await report(patientAgain)).toMatchObject({
        ok: false,
        code: 'SIGNAL.RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
      });
      expect(await report(provider)).toMatchObject({ ok: true });
    } finally {
      for (const client of clients) client.close();
      await api.stop();
    }
  });
});
