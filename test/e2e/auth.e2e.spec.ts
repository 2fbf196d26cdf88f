import { DEMO, TestServer } from '../support/test-server.js';

describe('authentication and the directory', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({ LOGIN_ATTEMPTS_PER_MINUTE: '30' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('logs a demo user in and tells them who they are', async () => {
    const login = await api.request<{ accessToken: string; user: unknown }>('POST', '/auth/login', {
      body: { email: 'Provider@Demo.test', password: 'demo' },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual({
      id: DEMO.provider.id,
      role: 'provider',
      displayName: 'Dr. Ada Provider',
    });
    const me = await api.request('GET', '/auth/me', { token: login.body.accessToken });
    expect(me.body).toEqual({
      id: DEMO.provider.id,
      role: 'provider',
      displayName: 'Dr. Ada Provider',
    });
  });

  it('lists the demo accounts for the login page, without a token', async () => {
    const demo = await api.request<{ password: string; users: Array<{ email: string }> }>(
      'GET',
      '/auth/demo-users',
    );
    expect(demo.status).toBe(200);
    expect(demo.body.password).toBe('demo');
    expect(demo.body.users.map((user) => user.email)).toEqual(
      Object.values(DEMO).map((user) => user.email),
    );
    expect(demo.body.users[0]).toEqual({
      email: 'provider@demo.test',
      role: 'provider',
      displayName: 'Dr. Ada Provider',
    });
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrongPassword = await api.request('POST', '/auth/login', {
      body: { email: DEMO.patient.email, password: 'nope' },
    });
    const unknownEmail = await api.request('POST', '/auth/login', {
      body: { email: 'nobody@demo.test', password: 'demo' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
  });

  it('lists patients to providers, page by page', async () => {
    const first = await api.as<{
      patients: Array<{ id: string; displayName: string }>;
      nextCursor: string;
    }>('provider', 'GET', '/directory/patients?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.patients).toEqual([{ id: DEMO.patient.id, displayName: 'Pat Patient' }]);
    const second = await api.as<{ patients: Array<{ id: string }>; nextCursor: string | null }>(
      'provider',
      'GET',
      `/directory/patients?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.patients).toEqual([{ id: DEMO.patient2.id, displayName: 'Quinn Patient' }]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('serves health, metrics and the OpenAPI document without a token', async () => {
    const health = await api.request<{ status: string; details: Record<string, unknown> }>(
      'GET',
      '/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.details).toMatchObject({
      database: { status: 'up' },
      eventStore: { status: 'up' },
      projections: {
        status: 'up',
        'read-models': { running: true, secondsBehind: expect.any(Number) },
        'audit-log': { running: true },
      },
    });
    await api.as('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    const metrics = await api.request<string>('GET', '/metrics');
    expect(metrics.body).toMatch(
      /ledger_commands_total\{type="InitiateCall",outcome="accepted"\} 1/,
    );
    expect(metrics.body).toMatch(/ledger_append_duration_seconds_count [1-9]/);
    expect(metrics.body).toMatch(/ledger_projection_seconds_behind\{projection="read-models"\}/);
    const docs = await api.request('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(JSON.stringify(docs.body)).toContain('/webrtc/calls/{id}/record');
  });
});

describe('login rate limit', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({ LOGIN_ATTEMPTS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('answers 429 with Retry-After once the attempts are used up', async () => {
    const attempt = () =>
      api.request('POST', '/auth/login', {
        body: { email: DEMO.patient.email, password: 'guess' },
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'AUTH.TOO_MANY_ATTEMPTS' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('without demo users', () => {
  it('lists no demo accounts', async () => {
    const api = await TestServer.start({ DEMO_USERS: 'false' });
    try {
      const demo = await api.request('GET', '/auth/demo-users');
      expect(demo.body).toEqual({ password: null, users: [] });
    } finally {
      await api.stop();
    }
  });
});
