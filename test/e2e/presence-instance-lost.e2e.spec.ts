import pg from 'pg';
import { ServerProcess } from '../support/server-process.js';
import { SignalingClient, eventually } from '../support/socket-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { PrivateRedis, redisServerBinary } from '../support/socket-redis-server.js';
import { DEMO, TestServer } from '../support/test-server.js';
import { buildOnce } from '../support/build-once.js';
import { loginAs } from '../support/plain-http.js';

// Short enough for a test, in the proportions of the defaults (30 s lease renewed every 10 s).
const LEASE_SECONDS = 3;
const RENEW_SECONDS = 1;
const GRACE_SECONDS = 2;
const SETTINGS = {
  PRESENCE_LEASE_SECONDS: String(LEASE_SECONDS),
  PRESENCE_LEASE_RENEW_SECONDS: String(RENEW_SECONDS),
  RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
};
/**
 * The longest a lost instance's call may take to end: its leases run out, the next sweep (every
 * renewal interval) records the drops, the grace runs; plus a little for the timer worker and the
 * projection that schedules the grace timers.
 */
const LEASE_SWEEP_GRACE_MS = (LEASE_SECONDS + RENEW_SECONDS + GRACE_SECONDS) * 1000;
const SLACK_MS = 3_000;

type LedgerEvent = { type: string; data: Record<string, unknown> };

async function post(url: string, token: string, route: string, body?: object): Promise<unknown> {
  const response = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST ${route}: ${response.status}`);
  return response.json();
}

const LINK_UP = { rttMs: 40, jitterMs: 5, packetLossPct: 0, connectionState: 'connected' };

/**
 * The provider calls the patient through `restUrl`; both take part over sockets on `socketUrl`,
 * and (with `mediaConnects`) report their peer connection up, as a browser does.
 */
async function callOn(
  restUrl: string,
  socketUrl: string,
  mediaConnects: boolean,
): Promise<{ callId: string; clients: SignalingClient[] }> {
  const providerToken = await loginAs(restUrl, 'provider');
  const patientToken = await loginAs(restUrl, 'patient');
  const provider = await SignalingClient.connect(socketUrl, providerToken);
  const patient = await SignalingClient.connect(socketUrl, patientToken);
  const call = (await post(restUrl, providerToken, '/webrtc/calls', {
    patientId: DEMO.patient.id,
    type: 'VIDEO',
    recordingEnabled: false,
  })) as { id: string };
  const callId = call.id;
  await patient.next('incoming-call', (incoming) => incoming['callId'] === callId);
  expect(await provider.request('join-call', { callId })).toMatchObject({ ok: true });
  await post(restUrl, patientToken, `/webrtc/calls/${callId}/answer`);
  await patient.next('call-answered', (event) => event['callId'] === callId);
  expect(await patient.request('join-call', { callId })).toMatchObject({ ok: true });
  if (mediaConnects) {
    for (const client of [provider, patient]) {
      expect(await client.request('connection-quality', { callId, ...LINK_UP })).toMatchObject({
        ok: true,
        connected: true,
      });
    }
  }
  return { callId, clients: [provider, patient] };
}

async function leasesOf(database: TestDatabase, callId: string): Promise<Array<{ live: boolean }>> {
  const client = new pg.Client({ connectionString: database.connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ live: boolean }>(
      'SELECT expires_at > now() AS live FROM presence_leases WHERE call_id = $1',
      [callId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Waits for the call to finish; answers its events and when the end was seen. */
async function untilEnded(
  instance: TestServer,
  callId: string,
  timeoutMs: number,
): Promise<{ events: LedgerEvent[]; endedAt: number }> {
  const events = await eventually(
    () => instance.ledgerEvents(`call-${callId}`),
    (read) => read.some((event) => event.type === 'CallEnded' || event.type === 'CallFailed'),
    timeoutMs,
  );
  return { events, endedAt: Date.now() };
}

/** Both recorded lost, then out after the grace, and the call finished with `terminal`. */
function expectLostThen(events: LedgerEvent[], terminal: object): void {
  const of = (type: string) => events.filter((event) => event.type === type);
  expect(of('ParticipantDisconnected').map((event) => event.data)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ userId: DEMO.provider.id, reason: 'instance_lost' }),
      expect.objectContaining({ userId: DEMO.patient.id, reason: 'instance_lost' }),
    ]),
  );
  expect(of('ParticipantDisconnected')).toHaveLength(2);
  expect(of('ParticipantLeft').map((event) => event.data['reason'])).toEqual([
    'reconnect_grace_expired',
    'reconnect_grace_expired',
  ]);
  expect(events.at(-1)).toEqual(terminal);
}

describe('an instance killed mid-call', () => {
  const databases: TestDatabase[] = [];
  const redisServers: PrivateRedis[] = [];
  const processes: ServerProcess[] = [];
  const servers: TestServer[] = [];
  const clients: SignalingClient[] = [];

  beforeAll(async () => {
    await buildOnce();
  }, 120_000);
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.allSettled(processes.splice(0).map((process) => process.stop()));
    await Promise.allSettled(servers.splice(0).map((server) => server.stop()));
    await Promise.allSettled(databases.splice(0).map((database) => database.drop()));
    await Promise.allSettled(redisServers.splice(0).map((redis) => redis.stop()));
  });

  // Instances of one deployment share a Redis: it carries the notifications to the other's sockets.
  const twoInstances = redisServerBinary() ? it : it.skip;

  /** Two instances of one deployment; both participants in a call over the doomed one's sockets. */
  async function callOnDoomedInstance() {
    const database = await createTestDatabase();
    databases.push(database);
    const redis = await PrivateRedis.start(redisServerBinary() ?? '');
    redisServers.push(redis);
    const shared = { ...SETTINGS, REDIS_URL: redis.url };
    const survivor = await TestServer.start(shared, { database });
    servers.push(survivor);
    const doomed = await ServerProcess.start(database, shared);
    processes.push(doomed);
    const { callId, clients: inCall } = await callOn(survivor.server.url, doomed.url, true);
    clients.push(...inCall);
    return { database, survivor, doomed, callId };
  }

  twoInstances(
    'leaves both participants to another instance, which records them lost, and the call ends by itself',
    async () => {
      const { database, survivor, doomed, callId } = await callOnDoomedInstance();

      // Renewal keeps live leases alive well past their length, and nobody is taken for lost.
      expect(await leasesOf(database, callId)).toEqual([{ live: true }, { live: true }]);
      await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_SECONDS * 1000));
      expect(await leasesOf(database, callId)).toEqual([{ live: true }, { live: true }]);
      const before = await survivor.ledgerEvents(`call-${callId}`);
      expect(before.filter((event) => event.type === 'ParticipantDisconnected')).toEqual([]);

      const killedAt = Date.now();
      await doomed.kill();
      const { events, endedAt } = await untilEnded(
        survivor,
        callId,
        LEASE_SWEEP_GRACE_MS + SLACK_MS + 5_000,
      );
      const elapsed = endedAt - killedAt;
      process.stdout.write(`presence: call ended ${elapsed} ms after SIGKILL of its instance\n`);
      expectLostThen(events, {
        type: 'CallEnded',
        data: expect.objectContaining({ endedBy: 'system', reason: 'all_participants_left' }),
      });
      expect(elapsed).toBeLessThanOrEqual(LEASE_SWEEP_GRACE_MS + SLACK_MS);
      expect(await leasesOf(database, callId)).toEqual([]);
    },
    90_000,
  );

  twoInstances(
    'lets sockets that reconnect to the other instance within the grace continue the call',
    async () => {
      const { survivor, doomed, callId } = await callOnDoomedInstance();

      await doomed.kill();
      // Each client comes back on the survivor at once and picks the call up again.
      const provider = await SignalingClient.connect(
        survivor.server.url,
        await loginAs(survivor.server.url, 'provider'),
      );
      const patient = await SignalingClient.connect(
        survivor.server.url,
        await loginAs(survivor.server.url, 'patient'),
      );
      clients.push(provider, patient);
      for (const client of [provider, patient]) {
        expect(await client.request('reconnect-call', { callId })).toMatchObject({
          ok: true,
          status: 'IN_PROGRESS',
        });
      }
      // Past the dead instance's leases and the grace after them, the call is still on.
      await new Promise((resolve) => setTimeout(resolve, LEASE_SWEEP_GRACE_MS + SLACK_MS));
      const events = await survivor.ledgerEvents(`call-${callId}`);
      expect(events.map((event) => event.type)).not.toEqual(expect.arrayContaining(['CallEnded']));
      expect(events.filter((event) => event.type === 'ParticipantDisconnected')).toEqual([]);
      // And the two reach each other through the survivor.
      expect(
        await provider.request('offer', {
          callId,
          to: DEMO.patient.id,
          sdp: { type: 'offer', sdp: 'v=0' },
        }),
      ).toEqual({ ok: true });
      expect(await patient.next('offer', (offer) => offer['callId'] === callId)).toMatchObject({
        from: DEMO.provider.id,
      });
    },
    90_000,
  );

  it('with no instance left running, the first one back records them lost, and a call whose media never connected fails', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const only = await ServerProcess.start(database, SETTINGS);
    processes.push(only);
    const { callId, clients: inCall } = await callOn(only.url, only.url, false);
    clients.push(...inCall);
    // A join is acknowledged once its lease is taken: killed right after, the lease is there.
    expect(await leasesOf(database, callId)).toEqual([{ live: true }, { live: true }]);

    await only.kill();
    // The leases run out while nothing runs at all.
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 1) * 1000));
    const startedAt = Date.now();
    const back = await TestServer.start(SETTINGS, { database });
    servers.push(back);
    const { events, endedAt } = await untilEnded(back, callId, GRACE_SECONDS * 1000 + 15_000);
    const elapsed = endedAt - startedAt;
    process.stdout.write(`presence: call ended ${elapsed} ms after an instance was back\n`);
    expectLostThen(events, {
      type: 'CallFailed',
      data: expect.objectContaining({ reason: 'never_connected', details: null }),
    });
    expect(elapsed).toBeLessThanOrEqual((RENEW_SECONDS + GRACE_SECONDS) * 1000 + SLACK_MS + 5_000);
  }, 90_000);
});
