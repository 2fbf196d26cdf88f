import { randomUUID } from 'node:crypto';
import { TestServer, type DemoUser } from '../support/test-server.js';

/*
 * Who may call what: every route of the API against every role. A role the route is not open to
 * gets 403 AUTH.ROLE_FORBIDDEN before anything else is looked at; a role it is open to never
 * does (it may still be told 400, 404 or 409 about the ids and bodies used here, which name no
 * real call). Public routes answer without a token; every other route wants one.
 */

type Role = 'provider' | 'patient' | 'auditor' | 'analyst' | 'admin';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const ROLES: readonly Role[] = ['provider', 'patient', 'auditor', 'analyst', 'admin'];
const CALLERS: Readonly<Record<Role, DemoUser>> = {
  provider: 'provider',
  patient: 'patient',
  auditor: 'auditor',
  analyst: 'analyst',
  admin: 'admin',
};

const call = randomUUID();
const recording = randomUUID();
const user = randomUUID();
const upload = randomUUID();
const uploads = `/webrtc/calls/${call}/recordings/${recording}/media/uploads`;

interface Route {
  readonly method: Method;
  readonly path: string;
  /** The roles the route is open to; `any` for every authenticated caller. */
  readonly roles: readonly Role[] | 'any';
  readonly body?: unknown;
}

const PARTIES: readonly Role[] = ['provider', 'patient'];
const OVERSIGHT: readonly Role[] = ['auditor', 'admin'];

const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/auth/me', roles: 'any' },
  { method: 'POST', path: `/admin/users/${user}/deactivate`, roles: ['admin'], body: {} },
  { method: 'GET', path: '/directory/patients', roles: ['provider'] },
  { method: 'GET', path: '/webrtc/stats', roles: ['admin', 'analyst', 'provider'] },
  { method: 'GET', path: `/webrtc/ice-servers?callId=${call}`, roles: PARTIES },
  { method: 'POST', path: '/webrtc/calls', roles: PARTIES, body: {} },
  { method: 'GET', path: '/webrtc/calls', roles: PARTIES },
  { method: 'GET', path: `/webrtc/calls/${call}`, roles: [...PARTIES, ...OVERSIGHT] },
  { method: 'GET', path: `/webrtc/calls/${call}/recordings`, roles: [...PARTIES, ...OVERSIGHT] },
  {
    method: 'GET',
    path: `/webrtc/calls/${call}/recordings/${recording}`,
    roles: [...PARTIES, ...OVERSIGHT],
  },
  ...(['ring', 'answer', 'decline', 'cancel', 'end', 'record'] as const).map((action): Route => ({
    method: 'POST',
    path: `/webrtc/calls/${call}/${action}`,
    roles: PARTIES,
    body: {},
  })),
  { method: 'POST', path: `/webrtc/calls/${call}/consent`, roles: PARTIES, body: {} },
  {
    method: 'POST',
    path: `/webrtc/calls/${call}/recordings/${recording}/stop`,
    roles: PARTIES,
    body: {},
  },
  { method: 'PUT', path: `/webrtc/calls/${call}/recordings/${recording}/media`, roles: PARTIES },
  { method: 'POST', path: uploads, roles: PARTIES, body: {} },
  { method: 'GET', path: `${uploads}/${upload}`, roles: PARTIES },
  { method: 'PUT', path: `${uploads}/${upload}/parts/0`, roles: PARTIES },
  { method: 'POST', path: `${uploads}/${upload}/complete`, roles: PARTIES, body: {} },
  { method: 'DELETE', path: `${uploads}/${upload}`, roles: PARTIES },
  {
    method: 'GET',
    path: `/webrtc/calls/${call}/recordings/${recording}/media`,
    roles: ['provider', 'patient', 'auditor', 'admin', 'analyst'],
  },
  {
    method: 'POST',
    path: `/webrtc/calls/${call}/recordings/${recording}/legal-hold`,
    roles: ['admin'],
    body: {},
  },
  {
    method: 'DELETE',
    path: `/webrtc/calls/${call}/recordings/${recording}/legal-hold`,
    roles: ['admin'],
  },
  { method: 'GET', path: `/audit/calls/${call}/timeline`, roles: OVERSIGHT },
  { method: 'GET', path: `/audit/calls/${call}/state?at=2026-01-01T00:00:00Z`, roles: OVERSIGHT },
  { method: 'GET', path: `/audit/calls/${call}/evidence`, roles: OVERSIGHT },
  { method: 'GET', path: '/audit/events', roles: OVERSIGHT },
  { method: 'GET', path: '/audit/events/1/proof', roles: OVERSIGHT },
  { method: 'GET', path: '/audit/ledger/consistency?from=0&to=0', roles: OVERSIGHT },
  { method: 'GET', path: '/audit/ledger/public-key', roles: OVERSIGHT },
];

const PUBLIC_ROUTES: ReadonlyArray<{ method: Method; path: string; body?: unknown }> = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/auth/demo-users' },
  { method: 'POST', path: '/auth/login', body: { email: 'nobody@example.test', password: 'x' } },
  { method: 'POST', path: '/auth/refresh', body: { refreshToken: 'not-a-refresh-token' } },
];

describe('RBAC matrix: every route against every role', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start();
  });
  afterAll(async () => {
    await api.stop();
  });

  const cases = ROUTES.flatMap((route) =>
    ROLES.map((role) => {
      const open = route.roles === 'any' || route.roles.includes(role);
      return [`${route.method} ${route.path.split('?')[0]} as ${role}`, route, role, open] as const;
    }),
  );

  it.each(cases)('%s', async (_name, route, role, open) => {
    const response = await api.as<{ code?: string }>(CALLERS[role], route.method, route.path, {
      ...(route.body !== undefined ? { body: route.body } : {}),
    });
    if (open) {
      expect(response.body.code).not.toBe('AUTH.ROLE_FORBIDDEN');
      expect(response.status).not.toBe(401);
      expect(response.status).toBeLessThan(500);
    } else {
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 403,
        code: 'AUTH.ROLE_FORBIDDEN',
      });
    }
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path.split('?')[0]}`, route] as const))(
    'wants a token: %s',
    async (_name, route) => {
      const response = await api.request<{ code?: string }>(route.method, route.path, {
        ...(route.body !== undefined ? { body: route.body } : {}),
      });
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 401,
        code: 'AUTH.TOKEN_MISSING',
      });
    },
  );

  it.each(PUBLIC_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'is public: %s',
    async (_name, route) => {
      const response = await api.request<{ code?: string }>(route.method, route.path, {
        ...(route.body !== undefined ? { body: route.body } : {}),
      });
      expect(response.body.code).not.toBe('AUTH.TOKEN_MISSING');
      expect(response.status).toBeLessThan(500);
    },
  );

  it('logs out any role with its own session, and not without a token', async () => {
    expect((await api.request('POST', '/auth/logout')).status).toBe(401);
    for (const role of ROLES) {
      const response = await api.as(CALLERS[role], 'POST', '/auth/logout');
      expect(response.status).toBe(204);
    }
  });
});
