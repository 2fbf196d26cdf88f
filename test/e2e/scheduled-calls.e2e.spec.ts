import { SignalingClient, eventually } from '../support/socket-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { DEMO, TestServer } from '../support/test-server.js';

interface CallBody {
  id: string;
  position: string;
  status: string;
  scheduledAt: string | null;
}

const RING = { RING_TIMEOUT_SECONDS: '2' };

const secondsAhead = (seconds: number): string =>
  new Date(Date.now() + seconds * 1000).toISOString();

async function schedule(api: TestServer, scheduledAt: string): Promise<CallBody> {
  const response = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', {
    body: { patientId: DEMO.patient.id, type: 'VIDEO', scheduledAt },
  });
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ status: 'SCHEDULED', scheduledAt });
  return response.body;
}

async function statusOf(api: TestServer, callId: string): Promise<string> {
  const events = await api.ledgerEvents(`call-${callId}`);
  const types = events.map((event) => event.type);
  if (types.includes('CallMissed')) return 'MISSED';
  if (types.includes('CallCancelled')) return 'CANCELLED';
  if (types.includes('CallRingingStarted')) return 'RINGING';
  return 'SCHEDULED';
}

async function timerOutcomes(api: TestServer, callId: string): Promise<Record<string, unknown>> {
  const rows: Array<{ kind: string; outcome: string | null }> = await api.server.runtime
    .knex('ledger_timers')
    .where('stream_id', `call-${callId}`)
    .select('kind', 'outcome');
  return Object.fromEntries(rows.map((row) => [row.kind, row.outcome]));
}

describe('scheduled calls ring at their time', () => {
  let database: TestDatabase;
  let api: TestServer;
  let patient: SignalingClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await TestServer.start(RING, { database });
    patient = await SignalingClient.as(api, 'patient');
  });
  afterAll(async () => {
    patient.close();
    await api.stop();
    await database.drop();
  });

  it('rings the patient at scheduledAt, then times out unanswered like an immediate call', async () => {
    const call = await schedule(api, secondsAhead(3));
    const early = await patient.quietFor(1000, 'incoming-call');
    expect(early.filter((payload) => payload['callId'] === call.id)).toEqual([]);
    expect(await statusOf(api, call.id)).toBe('SCHEDULED');

    const incoming = await patient.next(
      'incoming-call',
      (payload) => payload['callId'] === call.id,
    );
    expect(incoming).toMatchObject({ callId: call.id, from: DEMO.provider.id, type: 'VIDEO' });
    const rang = (await api.ledgerEvents(`call-${call.id}`)).find(
      (event) => event.type === 'CallRingingStarted',
    );
    expect(Date.parse(String(rang?.data['at']))).toBeGreaterThanOrEqual(
      Date.parse(String(call.scheduledAt)),
    );
    // The read model follows: the call is RINGING, then MISSED once the ring timeout passes.
    const readStatus = async (): Promise<string> =>
      (await api.as<CallBody>('provider', 'GET', `/webrtc/calls/${call.id}`)).body.status;
    expect(await eventually(readStatus, (status) => status !== 'SCHEDULED', 1500)).toBe('RINGING');

    // The ring timeout counts from the ring, not from the initiation.
    expect(
      await eventually(
        () => statusOf(api, call.id),
        (status) => status === 'MISSED',
      ),
    ).toBe('MISSED');
    expect(await timerOutcomes(api, call.id)).toEqual({
      'scheduled-ring': 'rang',
      'ring-timeout': 'missed',
    });
    expect(await eventually(readStatus, (status) => status === 'MISSED')).toBe('MISSED');
  });

  it('the provider rings it early; the timer then finds it ringing and does nothing', async () => {
    const call = await schedule(api, secondsAhead(2));
    const rung = await api.as<CallBody>('provider', 'POST', `/webrtc/calls/${call.id}/ring`);
    expect(rung.status).toBe(200);
    expect(rung.body.status).toBe('RINGING');
    const read = await api.as<CallBody>(
      'provider',
      'GET',
      `/webrtc/calls/${call.id}?minPosition=${rung.body.position}`,
    );
    expect(read.body.status).toBe('RINGING');
    await patient.next('incoming-call', (payload) => payload['callId'] === call.id);

    const again = await api.as('provider', 'POST', `/webrtc/calls/${call.id}/ring`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CALL.NOT_SCHEDULED' });

    const answered = await api.as<CallBody>('patient', 'POST', `/webrtc/calls/${call.id}/answer`);
    expect(answered.body.status).toBe('IN_PROGRESS');
    const outcomes = await eventually(
      () => timerOutcomes(api, call.id),
      (timers) => typeof timers['scheduled-ring'] === 'string',
    );
    expect(outcomes['scheduled-ring']).toBe('skipped:CALL.NOT_SCHEDULED');
    expect(patient.all('incoming-call').filter((payload) => payload['callId'] === call.id)).toEqual(
      [],
    );
    const events = await api.ledgerEvents(`call-${call.id}`);
    expect(events.filter((event) => event.type === 'CallRingingStarted')).toHaveLength(1);
    await api.as('provider', 'POST', `/webrtc/calls/${call.id}/end`);
  });

  it('neither the patient nor another provider may ring it, and nothing is appended', async () => {
    const call = await schedule(api, secondsAhead(60));
    // Logging in is recorded too: both log in before the ledger is counted.
    await api.tokenFor('patient');
    await api.tokenFor('provider2');
    const before = await api.ledgerEventCount();
    const byPatient = await api.as('patient', 'POST', `/webrtc/calls/${call.id}/ring`);
    expect(byPatient.status).toBe(403);
    expect(byPatient.body).toMatchObject({ code: 'CALL.NOT_INITIATOR' });
    const byStranger = await api.as('provider2', 'POST', `/webrtc/calls/${call.id}/ring`);
    expect(byStranger.status).toBe(404);
    expect(byStranger.body).toMatchObject({ code: 'CALL.NOT_FOUND' });
    const withBody = await api.as('provider', 'POST', `/webrtc/calls/${call.id}/ring`, {
      body: { at: 'now' },
    });
    expect(withBody.status).toBe(400);
    expect((await api.ledgerEvents(`call-${call.id}`)).map((event) => event.type)).toEqual([
      'CallInitiated',
    ]);
    // Only the two refusals (403 and 404) are recorded, in the audit trail, not on the call.
    expect(await api.ledgerEventCount()).toBe(before + 2);
    await api.as('provider', 'POST', `/webrtc/calls/${call.id}/cancel`);
  });

  it('a cancelled scheduled call never rings', async () => {
    const call = await schedule(api, secondsAhead(1.5));
    const cancelled = await api.as<CallBody>('provider', 'POST', `/webrtc/calls/${call.id}/cancel`);
    expect(cancelled.body.status).toBe('CANCELLED');
    const outcomes = await eventually(
      () => timerOutcomes(api, call.id),
      (timers) => typeof timers['scheduled-ring'] === 'string',
    );
    expect(outcomes).toEqual({ 'scheduled-ring': 'skipped:CALL.ALREADY_FINISHED' });
    expect(patient.all('incoming-call').filter((payload) => payload['callId'] === call.id)).toEqual(
      [],
    );
    expect(await statusOf(api, call.id)).toBe('CANCELLED');
  });

  // A scheduledAt that is not a date is refused by validation (malformed-input.e2e.spec.ts).
  it.each([
    ['in the past', new Date(Date.now() - 60_000).toISOString(), 'CALL.SCHEDULED_IN_PAST'],
    ['too far ahead', secondsAhead(366 * 86_400), 'CALL.SCHEDULED_TOO_FAR_AHEAD'],
  ])('refuses scheduledAt %s with 400 and appends nothing', async (_case, scheduledAt, code) => {
    const before = await api.ledgerEventCount();
    const response = await api.as('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO', scheduledAt },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code });
    expect(await api.ledgerEventCount()).toBe(before);
  });
});

describe('a scheduled ring survives a restart', () => {
  it('rings on a new server started on the same database after the first one stopped', async () => {
    const database = await createTestDatabase();
    try {
      const first = await TestServer.start(RING, { database });
      // Room for a restart on a busy machine: the new server must be up before the call is due.
      const call = await schedule(first, secondsAhead(10));
      await eventually(
        () => timerOutcomes(first, call.id),
        (timers) => 'scheduled-ring' in timers,
      );
      await first.stop();
      // Stopped before its time: only the server started next can ring it.
      expect(Date.now()).toBeLessThan(Date.parse(String(call.scheduledAt)));

      const restarted = await TestServer.start(RING, { database });
      const patient = await SignalingClient.as(restarted, 'patient');
      try {
        expect(await restarted.ledgerEvents(`call-${call.id}`)).toHaveLength(1);
        expect(
          await patient.next('incoming-call', (payload) => payload['callId'] === call.id),
        ).toMatchObject({ callId: call.id });
        const events = await restarted.server.runtime.eventStore.readStream(`call-${call.id}`);
        expect(events[1]).toMatchObject({
          type: 'CallRingingStarted',
          metadata: { actor: { userId: 'system', role: 'system' } },
        });
        expect(
          await eventually(
            () => statusOf(restarted, call.id),
            (status) => status === 'MISSED',
          ),
        ).toBe('MISSED');
      } finally {
        patient.close();
        await restarted.stop();
      }
    } finally {
      await database.drop();
    }
  });
});
