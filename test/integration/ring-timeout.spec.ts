import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { DEMO, TestServer } from '../support/test-server.js';

const RING = { RING_TIMEOUT_SECONDS: '1' };

async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('durable ring timeout', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  async function missedEvents(server: TestServer, callId: string): Promise<number> {
    const events = await server.ledgerEvents(`call-${callId}`);
    return events.filter((event) => event.type === 'CallMissed').length;
  }

  it('marks an unanswered call MISSED exactly once, even when the instance that rang it stopped', async () => {
    const first = await TestServer.start(RING, { database, runTimers: false });
    const call = await first.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    // The timer is scheduled from the ledger by the projection; wait until it is, then "crash".
    await eventually(
      () => first.server.runtime.knex('ledger_timers').count<{ count: string }[]>('* as count'),
      (rows) => Number(rows[0]?.count) === 1,
    );
    await first.stop();

    const restarted = await TestServer.start(RING, { database });
    try {
      const missed = await eventually(
        () => missedEvents(restarted, call.body.id),
        (count) => count > 0,
      );
      expect(missed).toBe(1);
      const events = await restarted.server.runtime.eventStore.readStream(`call-${call.body.id}`);
      expect(events.at(-1)?.metadata.actor).toEqual({ userId: 'system', role: 'system' });
      // Give a second firing every chance to happen: it must not.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await missedEvents(restarted, call.body.id)).toBe(1);
    } finally {
      await restarted.stop();
    }
  });

  it('fires each timeout once with two instances sharing one database', async () => {
    const ring = { RING_TIMEOUT_SECONDS: '2' };
    const [a, b] = await Promise.all([
      TestServer.start(ring, { database }),
      TestServer.start(ring, { database }),
    ]);
    try {
      for (const server of [a, b]) await server.tokenFor('provider');
      await a.tokenFor('patient');
      const body = { patientId: DEMO.patient.id, type: 'AUDIO' };
      const answered = (await a.as<{ id: string }>('provider', 'POST', '/webrtc/calls', { body }))
        .body.id;
      const answer = await a.as('patient', 'POST', `/webrtc/calls/${answered}/answer`);
      expect(answer.status).toBe(200);
      const calls = await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          (index % 2 === 0 ? a : b).as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
            body,
          }),
        ),
      );
      const unanswered = calls.map((call) => call.body.id);
      for (const id of unanswered) {
        expect(
          await eventually(
            () => missedEvents(a, id),
            (count) => count > 0,
          ),
        ).toBe(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const id of unanswered) expect(await missedEvents(b, id)).toBe(1);
      expect(await missedEvents(a, answered)).toBe(0);
      const fired = await a.server.runtime.knex('ledger_timers').select('outcome');
      expect(fired.map((row: { outcome: string }) => row.outcome).sort()).toEqual([
        'missed',
        'missed',
        'missed',
        'missed',
        'missed',
        'skipped:CALL.NOT_RINGING',
      ]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
