import pg from 'pg';
import { SignalingClient, eventually } from '../support/socket-client.js';
import { TEST_ROLES } from '../support/test-database.js';
import { DEMO, TestServer } from '../support/test-server.js';

const LEASE_SECONDS = 3;
const RENEW_SECONDS = 1;
const SETTINGS = {
  PRESENCE_LEASE_SECONDS: String(LEASE_SECONDS),
  PRESENCE_LEASE_RENEW_SECONDS: String(RENEW_SECONDS),
  // Long enough that nobody leaves the call while a test looks at their drop.
  RECONNECT_GRACE_SECONDS: '120',
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** As the owner: the service may append to the ledger, or (`false`) every append fails. */
async function allowAppends(server: TestServer, allowed: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: server.database.ownerConnectionString });
  await client.connect();
  try {
    await client.query(
      `${allowed ? 'GRANT' : 'REVOKE'} EXECUTE ON FUNCTION ledger_append(text, bigint, jsonb) ${
        allowed ? 'TO' : 'FROM'
      } ${TEST_ROLES.service}`,
    );
  } finally {
    await client.end();
  }
}

async function query<Row extends pg.QueryResultRow>(
  server: TestServer,
  sql: string,
  values: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: server.database.connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const leaseOf = (server: TestServer, callId: string, userId: string) =>
  query<{ instance_id: string; live: boolean }>(
    server,
    `SELECT instance_id, expires_at > now() AS live FROM presence_leases
      WHERE call_id = $1 AND user_id = $2`,
    [callId, userId],
  );

const drops = async (server: TestServer, callId: string) =>
  (await server.ledgerEvents(`call-${callId}`))
    .filter((event) => event.type === 'ParticipantDisconnected')
    .map((event) => event.data);

describe('a disconnect that cannot be recorded', () => {
  let api: TestServer;
  const clients: SignalingClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    if (api) await allowAppends(api, true);
    await api?.stop();
  });

  async function startCall(options: { runTimers?: boolean } = {}): Promise<string> {
    api = await TestServer.start(SETTINGS, options);
    const provider = await SignalingClient.as(api, 'provider');
    const patient = await SignalingClient.as(api, 'patient');
    clients.push(provider, patient);
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO', recordingEnabled: false },
    });
    const callId = call.body.id;
    await patient.next('incoming-call', (incoming) => incoming['callId'] === callId);
    expect(await provider.request('join-call', { callId })).toMatchObject({ ok: true });
    expect((await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`)).status).toBe(200);
    await patient.next('call-answered', (event) => event['callId'] === callId);
    expect(await patient.request('join-call', { callId })).toMatchObject({ ok: true });
    return callId;
  }

  it('is retried by the instance holding the socket, whose lease stays alive meanwhile', async () => {
    const callId = await startCall();
    const patient = clients[1];
    expect(await leaseOf(api, callId, DEMO.patient.id)).toEqual([
      expect.objectContaining({ live: true }),
    ]);

    await allowAppends(api, false);
    patient?.close();
    // Longer than a lease: the drop is not recorded, and the lease is not let go either, so no
    // sweep takes the participant for lost.
    await pause((LEASE_SECONDS + RENEW_SECONDS) * 1000);
    expect(await drops(api, callId)).toEqual([]);
    expect(await leaseOf(api, callId, DEMO.patient.id)).toEqual([
      expect.objectContaining({ live: true }),
    ]);

    await allowAppends(api, true);
    const recorded = await eventually(
      () => drops(api, callId),
      (found) => found.length > 0,
      10_000,
    );
    expect(recorded).toEqual([
      expect.objectContaining({ userId: DEMO.patient.id, reason: 'connection_lost' }),
    ]);
    expect(
      await eventually(
        () => leaseOf(api, callId, DEMO.patient.id),
        (rows) => rows.length === 0,
      ),
    ).toEqual([]);
    // Recorded once, and the provider, still connected, keeps a live lease.
    await pause(RENEW_SECONDS * 1000 + 500);
    expect(await drops(api, callId)).toHaveLength(1);
    expect(await leaseOf(api, callId, DEMO.provider.id)).toEqual([
      expect.objectContaining({ live: true }),
    ]);
  }, 60_000);

  it('by the sweep of an expired lease keeps the lease, and is retried until recorded', async () => {
    const callId = await startCall({ runTimers: false });
    // The patient's socket as held by an instance that is gone: its lease ran out.
    await query(
      api,
      `UPDATE presence_leases SET instance_id = 'gone', expires_at = now() - interval '1 second'
        WHERE call_id = $1 AND user_id = $2`,
      [callId, DEMO.patient.id],
    );

    await allowAppends(api, false);
    expect(await api.server.presence.sweep()).toBe(0);
    // Claimed, not dropped: it is not claimed again until the claim runs out, then it is.
    expect(await leaseOf(api, callId, DEMO.patient.id)).toEqual([
      { instance_id: 'gone', live: true },
    ]);
    expect(await api.server.presence.sweep()).toBe(0);
    await pause(RENEW_SECONDS * 1000 + 200);
    expect(await api.server.presence.sweep()).toBe(0);
    expect(await leaseOf(api, callId, DEMO.patient.id)).toHaveLength(1);
    expect(await drops(api, callId)).toEqual([]);

    await allowAppends(api, true);
    await pause(RENEW_SECONDS * 1000 + 200);
    expect(await api.server.presence.sweep()).toBe(1);
    expect(await drops(api, callId)).toEqual([
      expect.objectContaining({ userId: DEMO.patient.id, reason: 'instance_lost' }),
    ]);
    expect(await leaseOf(api, callId, DEMO.patient.id)).toEqual([]);
    // The provider's lease, renewed by its live instance, was never taken.
    expect(await leaseOf(api, callId, DEMO.provider.id)).toEqual([
      expect.objectContaining({ live: true }),
    ]);
  }, 60_000);
});
