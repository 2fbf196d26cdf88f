import pg from 'pg';
import { SignalingClient, eventually } from '../support/socket-client.js';
import { DEMO, TestServer } from '../support/test-server.js';

const GRACE_SECONDS = 2;
const LINK = { rttMs: 40, jitterMs: 5, packetLossPct: 0 };

describe("a participant's peer connection reported failed", () => {
  let api: TestServer;
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    api = await TestServer.start({
      RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
      QUALITY_REPORT_INTERVAL_SECONDS: '1',
    });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await api.stop();
  });

  /** A call in progress, both in the room with their media up. */
  async function connectedCall(): Promise<{
    callId: string;
    provider: SignalingClient;
    patient: SignalingClient;
  }> {
    const provider = await SignalingClient.as(api, 'provider');
    const patient = await SignalingClient.as(api, 'patient');
    clients.push(provider, patient);
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO', recordingEnabled: false },
    });
    const callId = call.body.id;
    expect((await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
    for (const client of [provider, patient]) {
      expect(await client.request('join-call', { callId })).toMatchObject({ ok: true });
      expect(
        await client.request('connection-quality', {
          callId,
          ...LINK,
          connectionState: 'connected',
        }),
      ).toMatchObject({ ok: true, connected: true });
    }
    return { callId, provider, patient };
  }

  const timerOutcomes = async (callId: string): Promise<Array<string | null>> => {
    const client = new pg.Client({ connectionString: api.database.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ outcome: string | null }>(
        `SELECT outcome FROM ledger_timers
          WHERE kind = 'connection-failure' AND payload->>'callId' = $1`,
        [callId],
      );
      return rows.map((row) => row.outcome);
    } finally {
      await client.end();
    }
  };

  it('with no recovery within the grace, marks the call FAILED with the reason', async () => {
    const { callId, provider, patient } = await connectedCall();
    const reportedAt = Date.now();
    expect(
      await patient.request('connection-quality', { callId, ...LINK, connectionState: 'failed' }),
    ).toMatchObject({ ok: true });

    const ended = await provider.next(
      'call-ended',
      (event) => event['callId'] === callId,
      (GRACE_SECONDS + 5) * 1000,
    );
    expect(Date.now() - reportedAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 100);
    expect(ended).toMatchObject({ callId, status: 'FAILED', reason: 'connection_failed' });
    const events = await api.ledgerEvents(`call-${callId}`);
    expect(events.filter((event) => event.type === 'CallFailed')).toEqual([
      {
        type: 'CallFailed',
        data: expect.objectContaining({
          reason: 'connection_failed',
          details: { userId: DEMO.patient.id },
        }),
      },
    ]);
    expect(await timerOutcomes(callId)).toEqual(['failed']);
  });

  it('recovered within the grace, leaves the call running', async () => {
    const { callId, provider, patient } = await connectedCall();
    expect(
      await patient.request('connection-quality', { callId, ...LINK, connectionState: 'failed' }),
    ).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(
      await patient.request('connection-quality', {
        callId,
        ...LINK,
        connectionState: 'connected',
      }),
    ).toMatchObject({ ok: true });

    expect(
      await eventually(
        () => timerOutcomes(callId),
        (outcomes) => outcomes[0] !== null && outcomes.length > 0,
        (GRACE_SECONDS + 5) * 1000,
      ),
    ).toEqual(['recovered']);
    const types = (await api.ledgerEvents(`call-${callId}`)).map((event) => event.type);
    expect(types).not.toContain('CallFailed');
    expect(provider.all('call-ended')).toEqual([]);
  });
});
