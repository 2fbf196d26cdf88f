import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { SignalingClient, eventually } from '../support/socket-client.js';
import {
  DEMO,
  TEST_JWT_SECRET,
  TestServer,
  type ApiResponse,
  type DemoUser,
} from '../support/test-server.js';

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
  readonly expiresIn: number;
  readonly user: { id: string; role: string; displayName: string };
}

interface AuditEntry {
  readonly actorId: string;
  readonly actorRole: string;
  readonly action: string;
  readonly callId: string | null;
  readonly recordingId: string | null;
  readonly outcome: string;
  readonly origin: { ip?: string; userAgent?: string } | null;
}

const USER_AGENT = 'sessions-e2e/1.0';
const ORIGIN = { ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: USER_AGENT };

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('sessions: login, refresh, logout, deactivation', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({ LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await api.stop();
  });

  const headers = { 'user-agent': USER_AGENT };

  async function login(user: DemoUser, password = 'demo'): Promise<ApiResponse<Tokens>> {
    return api.request<Tokens>('POST', '/auth/login', {
      body: { email: DEMO[user].email, password },
      headers,
    });
  }

  async function loggedIn(user: DemoUser): Promise<Tokens> {
    const response = await login(user);
    expect(response.status).toBe(200);
    return response.body;
  }

  const refresh = (refreshToken: string) =>
    api.request<Tokens & { code?: string }>('POST', '/auth/refresh', {
      body: { refreshToken },
      headers,
    });

  const me = (token: string) => api.request('GET', '/auth/me', { token });

  /** The audit log's entries of one action (and actor), once `count` of them are there. */
  async function auditEntries(
    action: string,
    count: number,
    actorId?: string,
    outcome?: string,
  ): Promise<AuditEntry[]> {
    const query = `action=${action}&limit=100${actorId ? `&actorId=${actorId}` : ''}`;
    const entries = await eventually(
      async () =>
        (
          await api.as<{ entries: AuditEntry[] }>('auditor', 'GET', `/audit/events?${query}`)
        ).body.entries.filter((entry) => outcome === undefined || entry.outcome === outcome),
      (found) => found.length >= count,
    );
    return entries;
  }

  /** What the ledger itself holds, as a cross-check that nothing was recorded twice. */
  async function ledgerRows(
    where: string,
    params: unknown[],
  ): Promise<Array<{ stream_id: string; type: string; data: Record<string, unknown> }>> {
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{
        stream_id: string;
        type: string;
        data: Record<string, unknown>;
      }>(
        `SELECT stream_id, type, data FROM ledger_events WHERE ${where} ORDER BY position`,
        params,
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  it('logs in to a session: a 15-minute access token naming it, a refresh token, the user', async () => {
    const response = await login('provider');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresInSeconds: 900,
      expiresIn: 900,
      user: { id: DEMO.provider.id, role: 'provider', displayName: 'Dr. Ada Provider' },
    });
    const claims = claimsOf(response.body.accessToken);
    expect(claims['sid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(900);
    expect((await me(response.body.accessToken)).status).toBe(200);

    const sessionId = String(claims['sid']);
    const rows = await ledgerRows('stream_id = $1', [`session-${sessionId}`]);
    expect(rows).toEqual([
      {
        stream_id: `session-${sessionId}`,
        type: 'LoginSucceeded',
        data: { sessionId, userId: DEMO.provider.id },
      },
    ]);
    const entries = await auditEntries('LoginSucceeded', 1, DEMO.provider.id);
    expect(entries[0]).toEqual({
      position: expect.any(String),
      occurredAt: expect.any(String),
      actorId: DEMO.provider.id,
      actorRole: 'provider',
      action: 'LoginSucceeded',
      callId: null,
      recordingId: null,
      outcome: 'succeeded',
      origin: ORIGIN,
    });
  });

  it('stores refresh tokens only as hashes', async () => {
    const tokens = await loggedIn('analyst');
    const rows = await ledgerRows('data::text LIKE $1 OR metadata::text LIKE $1', [
      `%${tokens.refreshToken}%`,
    ]);
    expect(rows).toEqual([]);
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      const { rows: stored } = await client.query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM session_refresh_tokens
                         WHERE token_hash = sha256(convert_to($1, 'UTF8'))) AS found,
                EXISTS (SELECT 1 FROM session_refresh_tokens
                         WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%') AS plain`,
        [tokens.refreshToken],
      );
      expect(stored[0]).toEqual({ found: true, plain: false });
    } finally {
      await client.end();
    }
  });

  it('rotates: each refresh token works once, and its session goes on', async () => {
    const first = await loggedIn('patient');
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresInSeconds: 900,
      expiresIn: 900,
      user: { id: DEMO.patient.id, role: 'patient', displayName: 'Pat Patient' },
    });
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(claimsOf(second.body.accessToken)['sid']).toBe(claimsOf(first.accessToken)['sid']);
    expect((await me(second.body.accessToken)).status).toBe(200);
    // The earlier access token belongs to the same live session until it expires.
    expect((await me(first.accessToken)).status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    expect((await me(third.body.accessToken)).status).toBe(200);
  });

  it('ends the whole family when a used refresh token comes back, once', async () => {
    const first = await loggedIn('patient2');
    const sessionId = String(claimsOf(first.accessToken)['sid']);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);

    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_REUSED' });
    // The family is revoked: the newer refresh token and every access token of it are refused.
    const afterwards = await refresh(second.body.refreshToken);
    expect(afterwards.status).toBe(401);
    expect(afterwards.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_INVALID' });
    for (const token of [first.accessToken, second.body.accessToken]) {
      const refused = await me(token);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
    }
    // Reused again: still refused, but there is nothing more to revoke or record.
    expect((await refresh(first.refreshToken)).body).toMatchObject({
      code: 'AUTH.REFRESH_TOKEN_REUSED',
    });

    const rows = await ledgerRows('stream_id = $1', [`session-${sessionId}`]);
    expect(rows.map((row) => row.type)).toEqual(['LoginSucceeded', 'SessionRevoked']);
    expect(rows[1]?.data).toEqual({
      sessionId,
      userId: DEMO.patient2.id,
      reason: 'refresh_reuse',
    });
    const entries = await auditEntries('SessionRevoked', 1, 'system');
    expect(entries.filter((entry) => entry.outcome === 'refresh_reuse')).toEqual([
      expect.objectContaining({ actorId: 'system', callId: null, origin: ORIGIN }),
    ]);
  });

  it('refuses refresh tokens it never issued, and malformed bodies, with nothing appended', async () => {
    const before = await api.ledgerEventCount();
    const unknown = await refresh('A'.repeat(43));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_INVALID' });
    const garbage = await refresh('not a token');
    expect(garbage.status).toBe(401);
    expect(garbage.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_INVALID' });
    const missing = await api.request('POST', '/auth/refresh', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'REQUEST.INVALID' });
    expect(await api.ledgerEventCount()).toBe(before);
  });

  it("logs out: the session's tokens are refused everywhere from then on, other sessions go on", async () => {
    const session = await loggedIn('provider2');
    const other = await loggedIn('provider2');
    const sessionId = String(claimsOf(session.accessToken)['sid']);
    const socket = await SignalingClient.connect(api.server.url, session.accessToken);
    socket.close();

    const logout = await api.request('POST', '/auth/logout', {
      token: session.accessToken,
      headers,
    });
    expect(logout.status).toBe(204);
    for (const [method, path] of [
      ['GET', '/auth/me'],
      ['GET', '/webrtc/calls'],
      ['GET', '/directory/patients'],
      ['POST', '/auth/logout'],
    ] as const) {
      const refused = await api.request(method, path, { token: session.accessToken });
      expect({ path, status: refused.status, body: refused.body }).toMatchObject({
        path,
        status: 401,
        body: { code: 'AUTH.SESSION_ENDED' },
      });
    }
    const refreshed = await refresh(session.refreshToken);
    expect(refreshed.status).toBe(401);
    expect(refreshed.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_INVALID' });
    await expect(
      SignalingClient.connect(api.server.url, session.accessToken),
    ).rejects.toMatchObject({ data: { code: 'AUTH.SESSION_ENDED' } });
    expect((await me(other.accessToken)).status).toBe(200);

    const rows = await ledgerRows('stream_id = $1', [`session-${sessionId}`]);
    expect(rows).toEqual([
      expect.objectContaining({ type: 'LoginSucceeded' }),
      {
        stream_id: `session-${sessionId}`,
        type: 'LoggedOut',
        data: { sessionId, userId: DEMO.provider2.id },
      },
      {
        stream_id: `session-${sessionId}`,
        type: 'SessionRevoked',
        data: { sessionId, userId: DEMO.provider2.id, reason: 'logout' },
      },
    ]);
    const loggedOut = await auditEntries('LoggedOut', 1, DEMO.provider2.id);
    expect(loggedOut).toEqual([
      expect.objectContaining({
        actorId: DEMO.provider2.id,
        actorRole: 'provider',
        callId: null,
        outcome: 'logged_out',
        origin: ORIGIN,
      }),
    ]);
    const revoked = await auditEntries('SessionRevoked', 1, DEMO.provider2.id);
    expect(revoked).toEqual([
      expect.objectContaining({ outcome: 'logout', callId: null, origin: ORIGIN }),
    ]);
  });

  it.each(['provider', 'provider2', 'patient', 'auditor', 'analyst', 'admin'] as const)(
    'lets a %s refresh and log out (any role; refresh needs no access token)',
    async (user) => {
      const tokens = await loggedIn(user);
      const refreshed = await refresh(tokens.refreshToken);
      expect(refreshed.status).toBe(200);
      const logout = await api.request('POST', '/auth/logout', {
        token: refreshed.body.accessToken,
      });
      expect(logout.status).toBe(204);
      expect((await me(tokens.accessToken)).status).toBe(401);
    },
  );

  it('wants a bearer token to log out', async () => {
    const anonymous = await api.request('POST', '/auth/logout');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'AUTH.TOKEN_MISSING' });
  });

  it('refuses a token of this issuer that names no session', async () => {
    const token = await new SignJWT({ role: 'provider' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(DEMO.provider.id)
      .setIssuer('vytalwatch-call-ledger')
      .setAudience('vytalwatch')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    await expect(SignalingClient.connect(api.server.url, token)).rejects.toMatchObject({
      data: { code: 'AUTH.TOKEN_INVALID' },
    });
  });

  it('records failed logins: the account when the email matches one, never the email or password typed', async () => {
    const wrongPassword = await login('auditor', 'not-the-password-7f3a');
    expect(wrongPassword.status).toBe(401);
    const strangerEmail = 'stranger-5d1c@nowhere.test';
    const unknown = await api.request('POST', '/auth/login', {
      body: { email: strangerEmail, password: 'guess-9b2e' },
      headers,
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrongPassword.body);

    const failed = await ledgerRows("type = 'LoginFailed'", []);
    expect(failed.map((row) => row.data)).toEqual(
      expect.arrayContaining([
        { userId: DEMO.auditor.id, reason: 'wrong_password' },
        { userId: null, reason: 'unknown_account' },
      ]),
    );
    for (const secret of [strangerEmail, 'stranger-5d1c', 'not-the-password-7f3a', 'guess-9b2e']) {
      expect(
        await ledgerRows('stream_id LIKE $1 OR data::text LIKE $1 OR metadata::text LIKE $1', [
          `%${secret}%`,
        ]),
      ).toEqual([]);
    }
    const ofAuditor = await auditEntries('LoginFailed', 1, DEMO.auditor.id);
    expect(ofAuditor).toEqual([
      expect.objectContaining({
        actorId: DEMO.auditor.id,
        actorRole: 'auditor',
        outcome: 'wrong_password',
        callId: null,
        origin: ORIGIN,
      }),
    ]);
    const ofNobody = await auditEntries('LoginFailed', 1, 'system');
    expect(ofNobody).toEqual([
      expect.objectContaining({ actorId: 'system', outcome: 'unknown_account', origin: ORIGIN }),
    ]);
  });

  describe('deactivating a user', () => {
    it('is for admins only', async () => {
      for (const role of ['provider', 'patient', 'auditor', 'analyst'] as const) {
        const refused = await api.as(role, 'POST', `/admin/users/${DEMO.patient.id}/deactivate`);
        expect({ role, status: refused.status, body: refused.body }).toMatchObject({
          role,
          status: 403,
          body: { code: 'AUTH.ROLE_FORBIDDEN' },
        });
      }
      const anonymous = await api.request('POST', `/admin/users/${DEMO.patient.id}/deactivate`);
      expect(anonymous.status).toBe(401);
      const unknown = await api.as(
        'admin',
        'POST',
        '/admin/users/00000000-0000-4000-8000-0000000000ff/deactivate',
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'USER.NOT_FOUND' });
      const badId = await api.as('admin', 'POST', '/admin/users/bob/deactivate');
      expect(badId.status).toBe(400);
      expect((await me(await api.tokenFor('patient'))).status).toBe(200);
    });

    it('ends every session and live connection of theirs, and refuses their logins and refreshes', async () => {
      const one = await loggedIn('patient');
      const two = await loggedIn('patient');
      const socket = await SignalingClient.connect(api.server.url, two.accessToken);
      const disconnected = new Promise<string>((resolve) =>
        socket.socket.once('disconnect', (reason) => resolve(reason)),
      );

      const response = await api.as('admin', 'POST', `/admin/users/${DEMO.patient.id}/deactivate`, {
        headers,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: DEMO.patient.id, active: false });
      // These two, the session of `api.as('patient')` and the one rotated earlier.
      expect(response.body['sessionsEnded']).toBeGreaterThanOrEqual(2);

      expect(await socket.next('session-ended')).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
      expect(await disconnected).toBe('io server disconnect');
      for (const token of [one.accessToken, two.accessToken]) {
        const refused = await me(token);
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ code: 'AUTH.SESSION_ENDED' });
      }
      const refreshed = await refresh(one.refreshToken);
      expect(refreshed.status).toBe(401);
      expect(refreshed.body).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_INVALID' });
      const again = await login('patient');
      expect(again.status).toBe(401);
      expect(again.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
      await expect(SignalingClient.connect(api.server.url, two.accessToken)).rejects.toMatchObject({
        data: { code: 'AUTH.SESSION_ENDED' },
      });

      const revoked = await ledgerRows("type = 'SessionRevoked' AND data->>'reason' = $1", [
        'deactivated',
      ]);
      expect(revoked).toHaveLength(Number(response.body['sessionsEnded']));
      for (const sessionId of [one, two].map((tokens) => claimsOf(tokens.accessToken)['sid'])) {
        expect(revoked).toContainEqual({
          stream_id: `session-${String(sessionId)}`,
          type: 'SessionRevoked',
          data: { sessionId, userId: DEMO.patient.id, reason: 'deactivated' },
        });
      }
      const byAdmin = await auditEntries(
        'SessionRevoked',
        revoked.length,
        DEMO.admin.id,
        'deactivated',
      );
      expect(byAdmin).toHaveLength(revoked.length);
      for (const entry of byAdmin) {
        expect(entry).toMatchObject({ actorRole: 'admin', callId: null, origin: ORIGIN });
      }
      const failed = await auditEntries('LoginFailed', 1, DEMO.patient.id);
      expect(failed).toEqual([expect.objectContaining({ outcome: 'deactivated' })]);
      const deactivated = await auditEntries('UserDeactivated', 1, DEMO.admin.id);
      expect(deactivated).toEqual([expect.objectContaining({ outcome: 'deactivated' })]);

      // Deactivating again changes nothing and records nothing.
      const before = await api.ledgerEventCount();
      const twice = await api.as('admin', 'POST', `/admin/users/${DEMO.patient.id}/deactivate`);
      expect(twice.body).toMatchObject({ active: false, sessionsEnded: 0 });
      expect(await api.ledgerEventCount()).toBe(before);
    });
  });
});

describe('the last active admin', () => {
  let api: TestServer;
  const second = { id: '00000000-0000-4000-8000-0000000000a2', email: 'admin2@demo.test' };

  beforeAll(async () => {
    api = await TestServer.start({ LOGIN_ATTEMPTS_PER_MINUTE: '1000' });
    // A second admin, with the demo accounts' password.
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO users (id, email, role, display_name, password_hash)
         SELECT $1, $2, 'admin', 'Second Admin', password_hash FROM users WHERE id = $3`,
        [second.id, second.email, DEMO.admin.id],
      );
    } finally {
      await client.end();
    }
  });
  afterAll(async () => {
    await api.stop();
  });

  const tokenOf = async (email: string) => {
    const response = await api.request<Tokens>('POST', '/auth/login', {
      body: { email, password: 'demo' },
    });
    expect(response.status).toBe(200);
    return response.body.accessToken;
  };

  it('cannot be deactivated, even by two admins deactivating each other at once', async () => {
    const [first, other] = [await tokenOf(DEMO.admin.email), await tokenOf(second.email)];
    const before = await api.ledgerEventCount();
    const [one, two] = await Promise.all([
      api.request('POST', `/admin/users/${second.id}/deactivate`, { token: first }),
      api.request('POST', `/admin/users/${DEMO.admin.id}/deactivate`, { token: other }),
    ]);
    // One of them went through; the other found itself the last admin left.
    expect([one.status, two.status].sort()).toEqual([200, 409]);
    const refused = one.status === 409 ? one : two;
    expect(refused.body).toMatchObject({ code: 'USER.LAST_ADMIN' });
    // The survivor cannot deactivate itself either, and that refusal appends nothing.
    const survivorToken = one.status === 200 ? first : other;
    const survivorId = one.status === 200 ? DEMO.admin.id : second.id;
    const afterOne = await api.ledgerEventCount();
    expect(afterOne).toBeGreaterThan(before);
    const self = await api.request('POST', `/admin/users/${survivorId}/deactivate`, {
      token: survivorToken,
    });
    expect(self.status).toBe(409);
    expect(self.body).toMatchObject({ code: 'USER.LAST_ADMIN' });
    expect(await api.ledgerEventCount()).toBe(afterOne);
    expect((await api.request('GET', '/auth/me', { token: survivorToken })).status).toBe(200);
  });
});

describe('failed logins beyond the login limit', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({ LOGIN_ATTEMPTS_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('are refused before they reach the ledger', async () => {
    const before = await api.ledgerEventCount();
    const attempt = () =>
      api.request('POST', '/auth/login', {
        body: { email: DEMO.patient.email, password: 'guess' },
      });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(429);
    expect(await api.ledgerEventCount()).toBe(before + 2);
  });
});

describe("an identity provider's tokens (JWKS_URL)", () => {
  let api: TestServer;
  let jwks: Server;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const issuer = 'https://idp.example.test';

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256' };
    jwks = createServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    api = await TestServer.start({
      JWKS_URL: `http://127.0.0.1:${port}/jwks`,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: 'vytalwatch',
    });
  });
  afterAll(async () => {
    await api?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('are not checked against a session, and have none to log out of', async () => {
    const token = await new SignJWT({ role: 'provider' })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setSubject(DEMO.provider.id)
      .setIssuer(issuer)
      .setAudience('vytalwatch')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await api.request('GET', '/auth/me', { token })).status).toBe(200);
    const before = await api.ledgerEventCount();
    const logout = await api.request('POST', '/auth/logout', { token });
    expect(logout.status).toBe(400);
    expect(logout.body).toMatchObject({ code: 'AUTH.NO_SESSION' });
    expect(await api.ledgerEventCount()).toBe(before);
    expect((await api.request('GET', '/auth/me', { token })).status).toBe(200);
  });
});
