import { randomUUID } from 'node:crypto';
import { ManualClock } from '../support/manual-clock.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { DEMO, TestServer, type DemoUser } from '../support/test-server.js';

/**
 * A generated data set with answers worked out by hand, run through the real command side, the
 * projections and the query. Times come from a manual clock, so durations are exact.
 */
describe('GET /webrtc/stats against a data set with known answers', () => {
  const start = new Date('2026-03-02T09:00:00.000Z');
  const clock = new ManualClock(start);
  let api: TestServer;
  let lastPosition = '0';

  async function command(user: DemoUser, path: string, body?: unknown) {
    const response = await api.as<{ id: string; position: string }>(
      user,
      'POST',
      path,
      body === undefined ? {} : { body },
    );
    if (response.status >= 300)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    lastPosition = response.body.position;
    return response.body;
  }

  async function call(
    provider: DemoUser = 'provider',
    patient: DemoUser = 'patient',
  ): Promise<string> {
    const created = await command(provider, '/webrtc/calls', {
      patientId: DEMO[patient].id,
      type: 'VIDEO',
    });
    return created.id;
  }

  async function quality(
    callId: string,
    samples: Array<[number, number, number, number, 'host' | 'srflx' | 'relay']>,
  ) {
    const store = api.server.runtime.eventStore;
    const appended = await store.appendToStream(
      `callquality-${callId}`,
      samples.map(([rttMs, jitterMs, packetLossPct, mos, candidateType]) => ({
        eventId: randomUUID(),
        type: 'QualitySampleRecorded',
        version: 1,
        data: {
          callId,
          userId: DEMO.patient.id,
          sampledAt: clock.now().toISOString(),
          rttMs,
          jitterMs,
          packetLossPct,
          bitrateKbps: null,
          mos,
          candidateType,
          connectionState: 'connected',
          poor: false,
        },
        metadata: {
          actor: { userId: DEMO.patient.id, role: 'patient' },
          occurredAt: clock.now().toISOString(),
          correlationId: randomUUID(),
          causationId: null,
        },
      })),
      { expectedRevision: 'any' },
    );
    lastPosition = appended.position;
  }

  beforeAll(async () => {
    api = await TestServer.start({ RING_TIMEOUT_SECONDS: '60' }, { clock, runTimers: false });
    // The manual clock's days are not the database's.
    await acceptAnyOccurredAt(api.database.connectionString);

    // Outside the range: must not count.
    clock.set('2026-03-01T12:00:00.000Z');
    await call();

    // Six ENDED calls with durations 60, 120, 180, 240, 300 and 3600 s.
    clock.set(start);
    const ended: string[] = [];
    for (const seconds of [60, 120, 180, 240, 300, 3600]) {
      const id = await call();
      clock.advanceSeconds(5);
      await command('patient', `/webrtc/calls/${id}/answer`);
      clock.advanceSeconds(seconds);
      await command('provider', `/webrtc/calls/${id}/end`);
      ended.push(id);
    }
    // Two recordings in the first ended call's twin: record while in progress.
    const recorded = await call();
    await command('patient', `/webrtc/calls/${recorded}/answer`);
    await command('provider', `/webrtc/calls/${recorded}/consent`, { consented: true });
    await command('patient', `/webrtc/calls/${recorded}/consent`, { consented: true });
    for (let i = 0; i < 2; i++) {
      const recording = await command('provider', `/webrtc/calls/${recorded}/record`);
      clock.advanceSeconds(10);
      await command('provider', `/webrtc/calls/${recorded}/recordings/${recording.id}/stop`);
    }
    clock.advanceSeconds(20);
    await command('patient', `/webrtc/calls/${recorded}/end`);
    // 7 ENDED so far (durations 60,120,180,240,300,3600 and 40).

    for (let i = 0; i < 3; i++) await command('patient', `/webrtc/calls/${await call()}/decline`);
    for (let i = 0; i < 2; i++) await command('provider', `/webrtc/calls/${await call()}/cancel`);
    for (let i = 0; i < 4; i++) await call();
    clock.advanceSeconds(61);
    // Ring timers are scheduled from the ledger; wait until all 17 calls have theirs.
    for (let tries = 0; tries < 100; tries++) {
      const [row] = await api.server.runtime
        .knex('ledger_timers')
        .count<{ count: string }[]>('* as count');
      if (Number(row?.count) >= 17) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await api.server.timers.fireDue(); // the four ringing calls become MISSED
    const missed = (
      await api.server.runtime.eventStore.readAll({ after: null, limit: 10_000 })
    ).filter((event) => event.type === 'CallMissed');
    lastPosition = missed.at(-1)?.position ?? lastPosition;

    // Quality: two P2P calls and one relayed.
    await quality(ended[0]!, [
      [100, 10, 1, 4.2, 'host'],
      [200, 20, 3, 3.8, 'host'],
    ]);
    await quality(ended[1]!, [[300, 30, 0, 4.0, 'srflx']]);
    await quality(ended[2]!, [[400, 40, 2, 3.0, 'relay']]);

    // Another provider's call, inside the range.
    await call('provider2', 'patient2');
  });
  afterAll(async () => {
    await api.stop();
  });

  const range = 'from=2026-03-02T00:00:00.000Z&to=2026-03-03T00:00:00.000Z';

  it('answers exactly for an analyst (every call in the range)', async () => {
    const response = await api.as(
      'analyst',
      'GET',
      `/webrtc/stats?${range}&minPosition=${lastPosition}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ledger-stale')).toBeNull();
    expect(response.body).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
      totals: {
        calls: 17,
        byStatus: {
          SCHEDULED: 0,
          RINGING: 1,
          IN_PROGRESS: 0,
          ENDED: 7,
          CANCELLED: 2,
          DECLINED: 3,
          MISSED: 4,
          FAILED: 0,
        },
      },
      // ENDED / (ENDED + MISSED + DECLINED + FAILED) = 7 / 14
      successRate: 0.5,
      // (60 + 120 + 180 + 240 + 300 + 3600 + 40) / 7 = 648.57
      averageDurationSeconds: 649,
      medianDurationSeconds: 180,
      recordings: { started: 2, completed: 0, failed: 0, successRate: null },
      // sample-weighted over the four samples
      quality: { avgRttMs: 250, avgJitterMs: 25, avgPacketLossPct: 1.5, avgMos: 3.75 },
      connectivity: { p2p: 2, relay: 1, relayShare: 0.3333 },
    });
  });

  it('scopes a provider to their own calls', async () => {
    const response = await api.as<{ totals: { calls: number } }>(
      'provider2',
      'GET',
      `/webrtc/stats?${range}`,
    );
    expect(response.body.totals.calls).toBe(1);
  });

  it('keeps statistics from patients and auditors, and refuses a reversed range', async () => {
    expect((await api.as('patient', 'GET', `/webrtc/stats?${range}`)).status).toBe(403);
    expect((await api.as('auditor', 'GET', `/webrtc/stats?${range}`)).status).toBe(403);
    const reversed = await api.as(
      'analyst',
      'GET',
      '/webrtc/stats?from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z',
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body).toMatchObject({ code: 'REQUEST.INVALID_RANGE' });
  });
});
