import { DEMO, TestServer } from '../support/test-server.js';

interface CallBody {
  id: string;
  providerId: string;
  patientId: string;
}

describe('who names whom when a call starts, and Idempotency-Key reuse', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start({ PATIENTS_MAY_INITIATE: 'true' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('lets a patient who may initiate name the provider, and only as its own patient', async () => {
    const created = await api.as<CallBody>('patient', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, providerId: DEMO.provider2.id, type: 'AUDIO' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      providerId: DEMO.provider2.id,
      patientId: DEMO.patient.id,
    });

    const before = await api.ledgerEventCount();
    const withoutProvider = await api.as('patient', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'AUDIO' },
    });
    expect(withoutProvider.status).toBe(400);
    expect(withoutProvider.body).toMatchObject({ code: 'CALL.PROVIDER_REQUIRED' });
    const forAnotherPatient = await api.as('patient', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient2.id, providerId: DEMO.provider.id, type: 'AUDIO' },
    });
    expect(forAnotherPatient.status).toBe(403);
    expect(forAnotherPatient.body).toMatchObject({ code: 'CALL.INITIATOR_MISMATCH' });
    expect(await api.ledgerEventCount()).toBe(before);
  });

  it('lets a provider name itself, and refuses any other providerId with 403', async () => {
    const named = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, providerId: DEMO.provider.id, type: 'VIDEO' },
    });
    expect(named.status).toBe(201);
    expect(named.body.providerId).toBe(DEMO.provider.id);

    const before = await api.ledgerEventCount();
    for (const providerId of [DEMO.provider2.id, DEMO.patient.id, DEMO.admin.id]) {
      const refused = await api.as('provider', 'POST', '/webrtc/calls', {
        body: { patientId: DEMO.patient.id, providerId, type: 'VIDEO' },
      });
      expect({ providerId, status: refused.status, code: refused.body['code'] }).toEqual({
        providerId,
        status: 403,
        code: 'CALL.INITIATOR_MISMATCH',
      });
    }
    expect(await api.ledgerEventCount()).toBe(before);
  });

  it('answers a retry with the same request with the call, and a different one with 422', async () => {
    const key = { 'idempotency-key': 'visit-in-a-month' };
    // A month ahead, at a whole second, so that it can be written with and without milliseconds.
    const visit = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000).toISOString();
    const body = {
      patientId: DEMO.patient2.id,
      type: 'VIDEO',
      reason: 'follow-up',
      scheduledAt: visit.replace('.000Z', 'Z'),
      recordingEnabled: false,
    };
    const first = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', {
      body,
      headers: key,
    });
    expect(first.status).toBe(201);

    // The same request, written differently: the provider named explicitly, the instant with ms.
    const retry = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', {
      body: { ...body, providerId: DEMO.provider.id, scheduledAt: visit },
      headers: key,
    });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);

    const before = await api.ledgerEventCount();
    for (const changed of [
      { reason: 'something else' },
      { reason: undefined },
      { scheduledAt: '2030-01-02T09:00:00Z' },
      { recordingEnabled: true },
      { type: 'AUDIO' },
    ]) {
      const reused = await api.as('provider', 'POST', '/webrtc/calls', {
        body: { ...body, ...changed },
        headers: key,
      });
      expect({ changed, status: reused.status, code: reused.body['code'] }).toEqual({
        changed,
        status: 422,
        code: 'REQUEST.IDEMPOTENCY_KEY_REUSED',
      });
      expect(typeof reused.body['message']).toBe('string');
    }
    expect(await api.ledgerEventCount()).toBe(before);
    expect(await api.ledgerEvents(`call-${first.body.id}`)).toHaveLength(1);
  });
});
