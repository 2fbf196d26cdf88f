import { DEMO, TestServer } from '../support/test-server.js';

interface CallBody {
  id: string;
  status: string;
  revision: number;
  position: string;
  duration: number | null;
  participants: Array<{ userId: string; consentedToRecording: boolean }>;
  recordings: Array<{ id: string; status: string }>;
  recordingConsentObtained: boolean;
}

describe('call lifecycle over HTTP', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start();
  });
  afterAll(async () => {
    await api.stop();
  });

  async function ringingCall(body: Record<string, unknown> = {}): Promise<CallBody> {
    const response = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO', ...body },
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  it('runs a whole call: ring, answer, consent, record, stop, end', async () => {
    const call = await ringingCall({ reason: 'follow-up' });
    expect(call).toMatchObject({ status: 'RINGING', revision: 0, providerId: DEMO.provider.id });
    expect(call.position).toMatch(/^\d+$/);

    const answered = await api.as<CallBody>('patient', 'POST', `/webrtc/calls/${call.id}/answer`);
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('IN_PROGRESS');
    expect(answered.headers.get('etag')).toBe(`"${answered.body.revision}"`);

    const refused = await api.as('provider', 'POST', `/webrtc/calls/${call.id}/record`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'RECORDING.CONSENT_MISSING',
      missing: expect.arrayContaining([
        { userId: DEMO.patient.id, displayName: 'Pat Patient' },
        { userId: DEMO.provider.id, displayName: 'Dr. Ada Provider' },
      ]),
    });

    for (const user of ['provider', 'patient'] as const) {
      const consent = await api.as<CallBody>(user, 'POST', `/webrtc/calls/${call.id}/consent`, {
        body: { consented: true },
      });
      expect(consent.status).toBe(200);
    }
    const started = await api.as<{ id: string; status: string; callId: string }>(
      'provider',
      'POST',
      `/webrtc/calls/${call.id}/record`,
    );
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'RECORDING', callId: call.id });

    const stopped = await api.as(
      'provider',
      'POST',
      `/webrtc/calls/${call.id}/recordings/${started.body.id}/stop`,
    );
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      id: started.body.id,
      status: 'STOPPED',
      stopReason: 'stopped_by_user',
    });

    const ended = await api.as<CallBody>('patient', 'POST', `/webrtc/calls/${call.id}/end`, {
      body: { reason: 'done' },
    });
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('ENDED');
    expect(typeof ended.body.duration).toBe('number');

    const types = (await api.ledgerEvents(`call-${call.id}`)).map((event) => event.type);
    expect(types).toEqual([
      'CallInitiated',
      'CallAnswered',
      'RecordingConsentGiven',
      'RecordingConsentGiven',
      'RecordingStarted',
      'RecordingStopped',
      'CallEnded',
    ]);
    const again = await api.as('provider', 'POST', `/webrtc/calls/${call.id}/end`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CALL.ALREADY_FINISHED' });
  });

  it('lets the callee decline and the initiator cancel', async () => {
    const declined = await ringingCall();
    const decline = await api.as<CallBody>(
      'patient',
      'POST',
      `/webrtc/calls/${declined.id}/decline`,
      {
        body: { reason: 'busy' },
      },
    );
    expect(decline.body.status).toBe('DECLINED');

    const cancelled = await ringingCall();
    const cancel = await api.as<CallBody>(
      'provider',
      'POST',
      `/webrtc/calls/${cancelled.id}/cancel`,
    );
    expect(cancel.body.status).toBe('CANCELLED');
  });

  it('schedules a call with a future time', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const call = await ringingCall({ scheduledAt: later, type: 'AUDIO' });
    expect(call.status).toBe('SCHEDULED');
    const answer = await api.as('patient', 'POST', `/webrtc/calls/${call.id}/answer`);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'CALL.NOT_RINGING' });
  });

  it('stops a running recording when a participant withdraws consent', async () => {
    const call = await ringingCall();
    await api.as('patient', 'POST', `/webrtc/calls/${call.id}/answer`);
    await api.as('provider', 'POST', `/webrtc/calls/${call.id}/consent`, {
      body: { consented: true },
    });
    await api.as('patient', 'POST', `/webrtc/calls/${call.id}/consent`, {
      body: { consented: true },
    });
    const recording = await api.as<{ id: string }>(
      'provider',
      'POST',
      `/webrtc/calls/${call.id}/record`,
    );
    const withdrawn = await api.as<CallBody>(
      'patient',
      'POST',
      `/webrtc/calls/${call.id}/consent`,
      {
        body: { consented: false },
      },
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.recordings).toEqual([
      expect.objectContaining({
        id: recording.body.id,
        status: 'STOPPED',
        stopReason: 'consent_withdrawn',
      }),
    ]);
  });

  describe('optimistic concurrency', () => {
    it('honours If-Match and answers 412 on a stale revision', async () => {
      const call = await ringingCall();
      const stale = await api.as('patient', 'POST', `/webrtc/calls/${call.id}/answer`, {
        headers: { 'if-match': '"7"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: 'LEDGER.REVISION_MISMATCH' });
      const fresh = await api.as<CallBody>('patient', 'POST', `/webrtc/calls/${call.id}/answer`, {
        headers: { 'if-match': `"${call.revision}"` },
      });
      expect(fresh.status).toBe(200);
      expect(fresh.body.revision).toBe(call.revision + 1);
    });

    it('lets exactly one of two racing answers through', async () => {
      const call = await ringingCall();
      const results = await Promise.all(
        [0, 1].map(() => api.as('patient', 'POST', `/webrtc/calls/${call.id}/answer`)),
      );
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
      const answers = (await api.ledgerEvents(`call-${call.id}`)).filter(
        (e) => e.type === 'CallAnswered',
      );
      expect(answers).toHaveLength(1);
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first call for a retried request instead of creating a second', async () => {
      const request = {
        body: { patientId: DEMO.patient2.id, type: 'VIDEO' },
        headers: { 'idempotency-key': 'retry-me-1' },
      };
      const first = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', request);
      const second = await api.as<CallBody>('provider', 'POST', '/webrtc/calls', request);
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(await api.ledgerEvents(`call-${first.body.id}`)).toHaveLength(1);

      const otherUser = await api.as<CallBody>('provider2', 'POST', '/webrtc/calls', request);
      expect(otherUser.status).toBe(201);
      expect(otherUser.body.id).not.toBe(first.body.id);
    });
  });

  describe('who may act on a call', () => {
    it('hides a call from strangers with 404 and refuses other roles with 403', async () => {
      const call = await ringingCall();
      // Logins are recorded too: everyone logs in before the ledger is counted.
      for (const user of ['patient2', 'provider2', 'auditor', 'analyst', 'admin'] as const) {
        await api.tokenFor(user);
      }
      const before = await api.ledgerEventCount();
      const stranger = await api.as('patient2', 'POST', `/webrtc/calls/${call.id}/answer`);
      expect(stranger.status).toBe(404);
      expect(stranger.body).toMatchObject({ code: 'CALL.NOT_FOUND' });
      const otherProvider = await api.as('provider2', 'POST', `/webrtc/calls/${call.id}/cancel`);
      expect(otherProvider.status).toBe(404);
      for (const role of ['auditor', 'analyst', 'admin'] as const) {
        const denied = await api.as(role, 'POST', `/webrtc/calls/${call.id}/answer`);
        expect(denied.status).toBe(403);
        expect(denied.body).toMatchObject({ code: 'AUTH.ROLE_FORBIDDEN' });
      }
      const providerAnswers = await api.as('provider', 'POST', `/webrtc/calls/${call.id}/answer`);
      expect(providerAnswers.status).toBe(403);
      expect(providerAnswers.body).toMatchObject({ code: 'CALL.NOT_CALLEE' });
      const patientCancels = await api.as('patient', 'POST', `/webrtc/calls/${call.id}/cancel`);
      expect(patientCancels.status).toBe(403);
      expect(await api.ledgerEventCount()).toBe(before);
    });

    it('does not let a patient start a call unless configured', async () => {
      const response = await api.as('patient', 'POST', '/webrtc/calls', {
        body: { patientId: DEMO.patient.id, providerId: DEMO.provider.id, type: 'VIDEO' },
      });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'CALL.PATIENT_INITIATION_DISABLED' });
    });

    it('only lets the provider record', async () => {
      const call = await ringingCall();
      await api.as('patient', 'POST', `/webrtc/calls/${call.id}/answer`);
      const response = await api.as('patient', 'POST', `/webrtc/calls/${call.id}/record`);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'RECORDING.PROVIDER_ONLY' });
    });
  });
});
