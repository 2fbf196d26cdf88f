import pg from 'pg';
import { awaitCheckpoint } from '../support/ledger-checkpoints.js';
import { DEMO, TestServer } from '../support/test-server.js';

interface TimelineBody {
  callId: string;
  events: Array<{
    position: string;
    revision: number;
    type: string;
    actor: { userId: string; role: string };
  }>;
  integrity: { verified: boolean; checkedEvents: number; brokenAt: number | null };
}

describe('audit: timelines, state at an instant, audited reads', () => {
  let api: TestServer;
  let callId: string;
  let answeredAt: string;

  beforeAll(async () => {
    api = await TestServer.start({ LEDGER_CHECKPOINT_INTERVAL_MS: '50' });
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    callId = call.body.id;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    answeredAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.as('provider', 'POST', `/webrtc/calls/${callId}/end`);
    await awaitCheckpoint(api);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('gives auditors the timeline in order with a verified hash chain', async () => {
    const response = await api.as<TimelineBody>(
      'auditor',
      'GET',
      `/audit/calls/${callId}/timeline`,
    );
    expect(response.status).toBe(200);
    expect(response.body.events.map((event) => [event.revision, event.type])).toEqual([
      [0, 'CallInitiated'],
      [1, 'CallAnswered'],
      [2, 'CallEnded'],
    ]);
    expect(response.body.events[1]?.actor).toEqual({ userId: DEMO.patient.id, role: 'patient' });
    expect(response.body.integrity).toMatchObject({
      verified: true,
      checkedEvents: 3,
      brokenAt: null,
    });
  });

  it('folds the state as it stood at an instant', async () => {
    const before = await api.as<{ revision: number; state: { status: string } }>(
      'admin',
      'GET',
      `/audit/calls/${callId}/state?at=2000-01-01T00:00:00Z`,
    );
    expect(before.body).toMatchObject({ revision: -1, state: { status: 'NONE' } });
    const during = await api.as<{ revision: number; state: { status: string } }>(
      'auditor',
      'GET',
      `/audit/calls/${callId}/state?at=${answeredAt}`,
    );
    expect(during.body).toMatchObject({ callId, revision: 1, state: { status: 'IN_PROGRESS' } });
  });

  it('records every auditor read in the access stream, never in the call stream', async () => {
    const before = (await api.ledgerEvents(`call-${callId}`)).length;
    await api.as('auditor', 'GET', `/audit/calls/${callId}/timeline`);
    const access = await api.server.runtime.eventStore.readStream(`access-${callId}`);
    expect(access.map((event) => event.type)).toContain('CallTimelineRead');
    expect(access.at(-1)?.metadata.actor).toEqual({ userId: DEMO.auditor.id, role: 'auditor' });
    expect(access.at(-1)?.metadata.origin?.ip).toBeDefined();
    expect((await api.ledgerEvents(`call-${callId}`)).length).toBe(before);
  });

  it('detects an altered event', async () => {
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      await client.query('ALTER TABLE ledger_events DISABLE TRIGGER USER');
      await client.query(
        `UPDATE ledger_events SET data = jsonb_set(data, '{reason}', '"forged"') WHERE stream_id = $1 AND stream_revision = 2`,
        [`call-${callId}`],
      );
      await client.query('ALTER TABLE ledger_events ENABLE TRIGGER USER');
    } finally {
      await client.end();
    }
    const response = await api.as<TimelineBody>(
      'auditor',
      'GET',
      `/audit/calls/${callId}/timeline`,
    );
    expect(response.body.integrity).toMatchObject({ verified: false, brokenAt: 2 });
  });

  it('refuses the timeline of an unknown call, recording only the refusal', async () => {
    const unknown = '9b2f6c1e-3d4a-4b5c-8d6e-7f8091a2b3c4';
    const before = await api.ledgerEventCount();
    const response = await api.as('auditor', 'GET', `/audit/calls/${unknown}/timeline`);
    expect(response.status).toBe(404);
    expect(await api.ledgerEventCount()).toBe(before + 1);
    expect(await api.ledgerEvents(`access-${unknown}`)).toEqual([
      expect.objectContaining({ type: 'AccessDenied' }),
    ]);
  });

  it('keeps audit endpoints from everyone but auditors and admins', async () => {
    for (const user of ['provider', 'patient', 'analyst'] as const) {
      const response = await api.as(user, 'GET', `/audit/calls/${callId}/timeline`);
      expect(response.status).toBe(403);
    }
  });

  it.each([
    ['timeline with a bad id', '/audit/calls/nope/timeline', 400],
    ['state without `at`', '/audit/calls/:call/state', 400],
    ['state with a bad `at`', '/audit/calls/:call/state?at=yesterday', 400],
    ['events with a bad actor', '/audit/events?actorId=bob', 400],
    ['events with a bad action', '/audit/events?action=DROP%20TABLE', 400],
    ['events with a forged cursor', '/audit/events?cursor=eyJ4Ijox', 400],
    ['events with a bad minPosition', '/audit/events?minPosition=-1', 400],
    ['events with an unknown parameter', '/audit/events?sort=desc', 400],
  ])('refuses %s', async (_name, path, status) => {
    const before = await api.ledgerEventCount();
    const response = await api.as('auditor', 'GET', path.replace(':call', callId));
    expect(response.status).toBe(status);
    expect(typeof (response.body as { code?: unknown }).code).toBe('string');
    expect(await api.ledgerEventCount()).toBe(before);
  });
});
