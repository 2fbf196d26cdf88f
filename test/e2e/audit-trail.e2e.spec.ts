import pg from 'pg';
import { SignalingClient } from '../support/socket-client.js';
import { DEMO, TestServer, type DemoUser } from '../support/test-server.js';

interface AuditEntryBody {
  position: string;
  occurredAt: string;
  actorId: string;
  actorRole: string;
  action: string;
  callId: string | null;
  recordingId: string | null;
  outcome: string;
  origin: { ip?: string; userAgent?: string } | null;
}

const UNKNOWN_CALL = '9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const UNKNOWN_RECORDING = '5e0c1f2a-7b3d-4c8e-9f10-a1b2c3d4e5f6';
const USER_AGENT = 'audit-trail-e2e/1.0';

describe('audit trail: refusals, searches of the audit log, evidence exports', () => {
  let api: TestServer;
  let callId: string;

  beforeAll(async () => {
    api = await TestServer.start();
    // Logging in is recorded too: everyone logs in before the ledger is counted.
    for (const user of Object.keys(DEMO) as DemoUser[]) await api.tokenFor(user);
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    callId = call.body.id;
  });
  afterAll(async () => {
    await api.stop();
  });

  const as = <T = Record<string, unknown>>(user: DemoUser, method: string, path: string) =>
    api.as<T>(user, method, path, { headers: { 'user-agent': USER_AGENT } });

  async function accessEvents(id: string) {
    return api.server.runtime.eventStore.readStream(`access-${id}`);
  }

  /** The audit log's entries for a filter, once the projection has seen `position`. */
  async function auditLog(filter: string, position: string): Promise<AuditEntryBody[]> {
    const response = await api.as<{ entries: AuditEntryBody[] }>(
      'auditor',
      'GET',
      `/audit/events?${filter}&limit=100&minPosition=${position}`,
    );
    expect(response.status).toBe(200);
    return response.body.entries;
  }

  /** Answers the request, and returns the one AccessDenied it appended (and nothing else). */
  async function refusedOnce(
    user: DemoUser,
    method: string,
    path: string,
    expected: { status: number; code: string; callId: string },
  ) {
    const before = await api.ledgerEventCount();
    const response = await as<{ code: string }>(user, method, path);
    expect({ status: response.status, code: response.body.code }).toEqual({
      status: expected.status,
      code: expected.code,
    });
    expect(await api.ledgerEventCount()).toBe(before + 1);
    const denied = (await accessEvents(expected.callId)).at(-1);
    expect(denied?.type).toBe('AccessDenied');
    return denied!;
  }

  /** Runs `body` while the ledger refuses every AccessDenied, as if the append failed. */
  async function whileDenialsCannotBeRecorded(body: () => Promise<void>): Promise<void> {
    const admin = new pg.Client({ connectionString: api.database.connectionString });
    await admin.connect();
    try {
      await admin.query(`
        CREATE FUNCTION refuse_access_denied() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'ledger unavailable'; END $$;
        CREATE TRIGGER refuse_access_denied BEFORE INSERT ON ledger_events
          FOR EACH ROW WHEN (NEW.type = 'AccessDenied') EXECUTE FUNCTION refuse_access_denied();
      `);
      await body();
    } finally {
      await admin.query(`
        DROP TRIGGER IF EXISTS refuse_access_denied ON ledger_events;
        DROP FUNCTION IF EXISTS refuse_access_denied();
      `);
      await admin.end();
    }
  }

  describe('AccessDenied', () => {
    it('records a stranger told a call does not exist, with route, actor and origin', async () => {
      const denied = await refusedOnce('patient2', 'GET', `/webrtc/calls/${callId}`, {
        status: 404,
        code: 'CALL.NOT_FOUND',
        callId,
      });
      expect(denied.data).toEqual({
        callId,
        code: 'CALL.NOT_FOUND',
        status: 404,
        method: 'GET',
        route: '/webrtc/calls/:id',
      });
      expect(denied.metadata.actor).toEqual({ userId: DEMO.patient2.id, role: 'patient' });
      expect(denied.metadata.origin).toMatchObject({ userAgent: USER_AGENT });
      expect(denied.metadata.origin?.ip).toMatch(/127\.0\.0\.1|::1/);

      const entries = await auditLog(
        `callId=${callId}&action=AccessDenied&actorId=${DEMO.patient2.id}`,
        denied.position,
      );
      expect(entries).toEqual([
        {
          position: denied.position,
          occurredAt: expect.any(String),
          actorId: DEMO.patient2.id,
          actorRole: 'patient',
          action: 'AccessDenied',
          callId,
          recordingId: null,
          outcome: 'denied:CALL.NOT_FOUND',
          origin: { ip: denied.metadata.origin?.ip, userAgent: USER_AGENT },
        },
      ]);
    });

    it('records a role refused by the route and a command refused by the call', async () => {
      const role = await refusedOnce('analyst', 'GET', `/webrtc/calls/${callId}`, {
        status: 403,
        code: 'AUTH.ROLE_FORBIDDEN',
        callId,
      });
      expect(role.data).toMatchObject({ route: '/webrtc/calls/:id', status: 403 });
      const command = await refusedOnce('provider', 'POST', `/webrtc/calls/${callId}/answer`, {
        status: 403,
        code: 'CALL.NOT_CALLEE',
        callId,
      });
      expect(command.data).toMatchObject({
        code: 'CALL.NOT_CALLEE',
        method: 'POST',
        route: '/webrtc/calls/:id/answer',
      });
      expect((await api.ledgerEvents(`call-${callId}`)).map((event) => event.type)).toEqual([
        'CallInitiated',
      ]);
      const entries = await auditLog(`callId=${callId}&action=AccessDenied`, command.position);
      expect(
        entries
          .filter(
            (entry) => entry.position === role.position || entry.position === command.position,
          )
          .map((entry) => [entry.actorRole, entry.outcome]),
      ).toEqual([
        ['analyst', 'denied:AUTH.ROLE_FORBIDDEN'],
        ['provider', 'denied:CALL.NOT_CALLEE'],
      ]);
    });

    it('records a refusal naming a recording, with the recording id', async () => {
      const denied = await refusedOnce(
        'patient',
        'GET',
        `/webrtc/calls/${callId}/recordings/${UNKNOWN_RECORDING}`,
        { status: 404, code: 'RECORDING.NOT_FOUND', callId },
      );
      expect(denied.data).toMatchObject({
        recordingId: UNKNOWN_RECORDING,
        route: '/webrtc/calls/:id/recordings/:recordingId',
      });
      const [entry] = await auditLog(
        `callId=${callId}&action=AccessDenied&actorId=${DEMO.patient.id}`,
        denied.position,
      );
      expect(entry).toMatchObject({
        recordingId: UNKNOWN_RECORDING,
        outcome: 'denied:RECORDING.NOT_FOUND',
      });
    });

    it('records a refused read that names the call in its query', async () => {
      const denied = await refusedOnce('patient2', 'GET', `/webrtc/ice-servers?callId=${callId}`, {
        status: 404,
        code: 'CALL.NOT_FOUND',
        callId,
      });
      expect(denied.data).toMatchObject({ route: '/webrtc/ice-servers', method: 'GET' });
      const before = await api.ledgerEventCount();
      expect((await as('auditor', 'GET', '/webrtc/ice-servers')).status).toBe(403);
      expect(await api.ledgerEventCount()).toBe(before);
    });

    it('records probing for a call that does not exist in that id’s access stream', async () => {
      const denied = await refusedOnce('auditor', 'GET', `/audit/calls/${UNKNOWN_CALL}/timeline`, {
        status: 404,
        code: 'CALL.NOT_FOUND',
        callId: UNKNOWN_CALL,
      });
      expect(denied.streamId).toBe(`access-${UNKNOWN_CALL}`);
      expect(denied.data).toMatchObject({ route: '/audit/calls/:id/timeline' });
      const entries = await auditLog(`callId=${UNKNOWN_CALL}`, denied.position);
      expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([
        ['AccessDenied', 'denied:CALL.NOT_FOUND'],
      ]);
    });

    it('records nothing for a request without a token, or with a malformed id', async () => {
      const before = await api.ledgerEventCount();
      const anonymous = await api.request('GET', `/webrtc/calls/${callId}`);
      expect(anonymous.status).toBe(401);
      const malformed = await as('patient2', 'GET', '/webrtc/calls/not-a-uuid');
      expect(malformed.status).toBe(400);
      expect(await api.ledgerEventCount()).toBe(before);
    });

    it('still answers the refusal when it cannot be recorded, and logs no origin', async () => {
      const logged = jest.spyOn(api.server.logger, 'error');
      try {
        await whileDenialsCannotBeRecorded(async () => {
          const before = await api.ledgerEventCount();
          const response = await as<{ code: string }>('patient2', 'GET', `/webrtc/calls/${callId}`);
          expect({ status: response.status, code: response.body.code }).toEqual({
            status: 404,
            code: 'CALL.NOT_FOUND',
          });
          expect(await api.ledgerEventCount()).toBe(before);
        });
        const failures = logged.mock.calls.filter((call) =>
          call.includes('access denial not recorded'),
        );
        expect(failures).toHaveLength(1);
        const text = JSON.stringify(failures);
        expect(text).toContain('CALL.NOT_FOUND');
        expect(text).not.toContain(USER_AGENT);
        expect(text).not.toContain('127.0.0.1');
        expect(text).not.toContain(callId);
      } finally {
        logged.mockRestore();
      }
    });

    it('records a socket message the call refuses, and answers it when it cannot', async () => {
      const stranger = await SignalingClient.as(api, 'patient2');
      try {
        const before = await api.ledgerEventCount();
        expect(await stranger.request('join-call', { callId })).toMatchObject({
          ok: false,
          code: 'CALL.NOT_FOUND',
        });
        expect(await api.ledgerEventCount()).toBe(before + 1);
        const denied = (await accessEvents(callId)).at(-1)!;
        expect(denied).toMatchObject({
          type: 'AccessDenied',
          data: {
            callId,
            code: 'CALL.NOT_FOUND',
            status: 404,
            method: 'SOCKET',
            route: 'join-call',
          },
          metadata: { actor: { userId: DEMO.patient2.id, role: 'patient' } },
        });
        const [entry] = await auditLog(
          `callId=${callId}&action=AccessDenied&actorId=${DEMO.patient2.id}`,
          denied.position,
        ).then((entries) => entries.filter((row) => row.position === denied.position));
        expect(entry).toMatchObject({
          outcome: 'denied:CALL.NOT_FOUND',
          origin: { ip: expect.any(String) },
        });

        await whileDenialsCannotBeRecorded(async () => {
          expect(await stranger.request('join-call', { callId })).toMatchObject({
            ok: false,
            code: 'CALL.NOT_FOUND',
          });
        });
      } finally {
        stranger.close();
      }
    });
  });

  describe('AuditLogSearched', () => {
    it('records each search with the filters used, never the entries found', async () => {
      const stream = `audit-search-${DEMO.admin.id}`;
      const search = await api.as<{ entries: AuditEntryBody[] }>(
        'admin',
        'GET',
        `/audit/events?callId=${callId}&action=CallInitiated&from=2020-01-01T00:00:00.000Z&limit=5`,
        { headers: { 'user-agent': USER_AGENT } },
      );
      expect(search.status).toBe(200);
      const recorded = await api.server.runtime.eventStore.readStream(stream);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        type: 'AuditLogSearched',
        data: {
          filters: { callId, action: 'CallInitiated', from: '2020-01-01T00:00:00.000Z' },
          limit: 5,
          nextPage: false,
        },
        metadata: {
          actor: { userId: DEMO.admin.id, role: 'admin' },
          origin: { userAgent: USER_AGENT },
        },
      });

      // The second search sees the first, and only it: a search is recorded once it is answered.
      const entries = await auditLog(
        `action=AuditLogSearched&actorId=${DEMO.admin.id}`,
        recorded[0]!.position,
      );
      expect(entries).toEqual([
        expect.objectContaining({
          position: recorded[0]!.position,
          actorId: DEMO.admin.id,
          actorRole: 'admin',
          action: 'AuditLogSearched',
          callId: null,
          outcome: 'filters:action,callId,from',
          origin: expect.objectContaining({ userAgent: USER_AGENT }),
        }),
      ]);
      expect(await api.server.runtime.eventStore.readStream(stream)).toHaveLength(1);
      const auditorSearches = await api.server.runtime.eventStore.readStream(
        `audit-search-${DEMO.auditor.id}`,
      );
      expect(auditorSearches.at(-1)?.data).toMatchObject({
        filters: { action: 'AuditLogSearched', actorId: DEMO.admin.id },
        limit: 100,
      });
    });

    it('records nothing for a refused search', async () => {
      const before = await api.ledgerEventCount();
      expect((await api.as('auditor', 'GET', '/audit/events?cursor=eyJ4Ijox')).status).toBe(400);
      expect((await api.as('provider', 'GET', '/audit/events')).status).toBe(403);
      expect(await api.ledgerEventCount()).toBe(before);
    });
  });

  describe('EvidenceExported (stored as CallEvidenceExported)', () => {
    it('records each export of a call’s evidence bundle once, with actor and origin', async () => {
      const exported = await as('auditor', 'GET', `/audit/calls/${callId}/evidence`);
      expect(exported.status).toBe(200);
      const exports = (await accessEvents(callId)).filter(
        (event) => event.type === 'CallEvidenceExported',
      );
      expect(exports).toHaveLength(1);
      const entries = await auditLog(
        `callId=${callId}&action=CallEvidenceExported`,
        exports[0]!.position,
      );
      expect(entries).toEqual([
        expect.objectContaining({
          position: exports[0]!.position,
          actorId: DEMO.auditor.id,
          actorRole: 'auditor',
          callId,
          outcome: 'granted',
          origin: expect.objectContaining({ userAgent: USER_AGENT }),
        }),
      ]);
    });
  });
});
