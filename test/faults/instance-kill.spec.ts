import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startBuiltServer, stopBuiltServer, type BuiltServer } from '../support/built-server.js';
import { freePort } from '../support/free-port.js';
import { loginAs, send, type HttpAnswer, type HttpRequest } from '../support/plain-http.js';
import { SignalingClient, eventually } from '../support/socket-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { DEMO, TEST_JWT_SECRET } from '../support/test-server.js';
import { buildOnce } from '../support/build-once.js';

const FLOWS = 1000;
/** Calls in progress over sockets when the instance dies: they must end by themselves. */
const OPEN_CALLS = 5;
const PRESENCE = { LEASE_SECONDS: 3, RENEW_SECONDS: 1, GRACE_SECONDS: 2 };
/** Room for the timer worker and the projection that schedules the grace timers. */
const SLACK_MS = 5_000;
const LINK_UP = { rttMs: 40, jitterMs: 5, packetLossPct: 0, connectionState: 'connected' };

interface Load {
  /** Commands answered with a success, by kind; the call ids they were for. */
  readonly acknowledged: {
    initiated: Map<string, string>;
    answered: Set<string>;
    ended: Set<string>;
  };
  /** Anything other than a success, a retryable failure, or the 409 of a repeated command. */
  readonly unexpected: string[];
  retries: number;
}

/**
 * `kill -9` of the only instance while a thousand clients run their calls (start, answer, end),
 * then the instance started again: clients retry what got no answer, the start with its
 * Idempotency-Key, as a careful client does.
 */
describe('the instance killed with SIGKILL under load', () => {
  let database: TestDatabase;
  let server: BuiltServer;
  let url: string;
  let env: Record<string, string>;
  const root = mkdtempSync(path.join(tmpdir(), 'vw-fault-kill-'));

  beforeAll(async () => {
    await buildOnce();
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: database.serviceConnectionString,
      DATABASE_OWNER_URL: database.ownerConnectionString,
      JWT_SECRET: TEST_JWT_SECRET,
      CALLS_PER_USER_PER_MINUTE: '1000000',
      PRESENCE_LEASE_SECONDS: String(PRESENCE.LEASE_SECONDS),
      PRESENCE_LEASE_RENEW_SECONDS: String(PRESENCE.RENEW_SECONDS),
      RECONNECT_GRACE_SECONDS: String(PRESENCE.GRACE_SECONDS),
    };
    server = await startBuiltServer(env, root);
    if (!server.listening) throw new Error(`the server did not start: ${server.stderr()}`);
  }, 240_000);

  afterAll(async () => {
    if (server) await stopBuiltServer(server.child);
    await database?.drop();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  /**
   * Sends until the request is answered by a server; a 409 after an attempt that got no answer
   * means that attempt was carried out. Answers the success, or null.
   */
  async function persist(load: Load, request: HttpRequest): Promise<HttpAnswer | null> {
    let unanswered = false;
    for (;;) {
      const answer = await send(url, request, 30_000);
      if (typeof answer === 'string' || answer.status === 503) {
        unanswered = true;
        load.retries += 1;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        continue;
      }
      if (answer.status < 300) return answer;
      if (answer.status === 409 && unanswered) return null;
      load.unexpected.push(
        `${request.method} ${request.route}: ${answer.status} ${String(answer.body['code'])}`,
      );
      return null;
    }
  }

  async function flow(load: Load, key: string, tokens: { provider: string; patient: string }) {
    const started = await persist(load, {
      method: 'POST',
      route: '/webrtc/calls',
      token: tokens.provider,
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
      headers: { 'idempotency-key': key },
    });
    if (!started) return;
    const id = String(started.body['id']);
    const earlier = load.acknowledged.initiated.get(key);
    if (earlier !== undefined && earlier !== id) load.unexpected.push(`${key} started two calls`);
    load.acknowledged.initiated.set(key, id);
    const answer = { method: 'POST', route: `/webrtc/calls/${id}/answer`, token: tokens.patient };
    if (await persist(load, answer)) load.acknowledged.answered.add(id);
    const end = {
      method: 'POST',
      route: `/webrtc/calls/${id}/end`,
      token: tokens.provider,
      body: {},
    };
    if (await persist(load, end)) load.acknowledged.ended.add(id);
  }

  /** A call answered, joined over sockets by both, their media up; left running. */
  async function openCall(
    tokens: { provider: string; patient: string },
    sockets: SignalingClient[],
  ) {
    const started = await send(url, {
      method: 'POST',
      route: '/webrtc/calls',
      token: tokens.provider,
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    if (typeof started === 'string' || started.status !== 201) throw new Error('no call started');
    const callId = String(started.body['id']);
    await send(url, {
      method: 'POST',
      route: `/webrtc/calls/${callId}/answer`,
      token: tokens.patient,
    });
    for (const token of [tokens.provider, tokens.patient]) {
      const socket = await SignalingClient.connect(url, token);
      sockets.push(socket);
      expect(await socket.request('join-call', { callId })).toMatchObject({ ok: true });
      expect(await socket.request('connection-quality', { callId, ...LINK_UP })).toMatchObject({
        ok: true,
      });
    }
    return callId;
  }

  it('loses no acknowledged command, no retried Idempotency-Key starts a second call, and calls left open end by themselves', async () => {
    const tokens = {
      provider: await loginAs(url, 'provider'),
      patient: await loginAs(url, 'patient'),
    };
    const sockets: SignalingClient[] = [];
    const openCalls: string[] = [];
    for (let i = 0; i < OPEN_CALLS; i++) openCalls.push(await openCall(tokens, sockets));
    const load: Load = {
      acknowledged: { initiated: new Map(), answered: new Set(), ended: new Set() },
      unexpected: [],
      retries: 0,
    };
    const flows = Array.from({ length: FLOWS }, (_, index) => flow(load, `kill-${index}`, tokens));
    const acknowledgedCount = () =>
      load.acknowledged.initiated.size +
      load.acknowledged.answered.size +
      load.acknowledged.ended.size;
    // Killed once a good part of the load is through, while the rest is in flight.
    while (acknowledgedCount() < FLOWS * 0.6)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const acknowledgedBeforeKill = acknowledgedCount();
    const exited = once(server.child, 'exit');
    server.child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    server = await startBuiltServer(env, root);
    expect(server.listening).toBe(true);
    const backAfterMs = Date.now() - killedAt;
    await Promise.all(flows);
    for (const socket of sockets) socket.close();

    process.stdout.write(
      `kill -9 under ${FLOWS} concurrent call flows: ${acknowledgedBeforeKill} commands acknowledged ` +
        `before the kill, the instance back after ${backAfterMs} ms, ${load.retries} retries, ` +
        `${load.acknowledged.ended.size} calls ended\n`,
    );
    expect(load.unexpected).toEqual([]);
    // Every flow got its call started, exactly once.
    expect(load.acknowledged.initiated.size).toBe(FLOWS);

    const ledger = new pg.Client({ connectionString: database.connectionString });
    await ledger.connect();
    try {
      const { rows } = await ledger.query<{ stream_id: string; type: string; n: string }>(
        `SELECT stream_id, type, count(*) AS n FROM ledger_events
          WHERE type IN ('CallInitiated', 'CallAnswered', 'CallEnded') GROUP BY stream_id, type`,
      );
      const recorded = new Map(rows.map((row) => [`${row.type} ${row.stream_id}`, Number(row.n)]));
      for (const id of load.acknowledged.initiated.values()) {
        expect(recorded.get(`CallInitiated call-${id}`)).toBe(1);
      }
      for (const id of load.acknowledged.answered) {
        expect(recorded.get(`CallAnswered call-${id}`)).toBe(1);
      }
      for (const id of load.acknowledged.ended)
        expect(recorded.get(`CallEnded call-${id}`)).toBe(1);
      // No call beyond one per Idempotency-Key (and the calls left open).
      expect(rows.filter((row) => row.type === 'CallInitiated')).toHaveLength(FLOWS + OPEN_CALLS);

      // The calls left open: their participants lost with the instance, ended after the grace.
      const streams = openCalls.map((id) => `call-${id}`);
      const finished = await eventually(
        () =>
          ledger
            .query<{ stream_id: string; type: string }>(
              `SELECT stream_id, type FROM ledger_events
                WHERE stream_id = ANY($1) AND type IN ('CallEnded', 'CallFailed')`,
              [streams],
            )
            .then((result) => result.rows),
        (found) => found.length === OPEN_CALLS,
        60_000,
      );
      expect(finished.map((row) => row.type)).toEqual(Array(OPEN_CALLS).fill('CallEnded'));
      // When the ledger recorded the last of them (the same machine's clock), not when this test,
      // busy with the load's own checks, got round to looking.
      const { rows: lastEnded } = await ledger.query<{ at: Date }>(
        `SELECT max(recorded_at) AS at FROM ledger_events
          WHERE stream_id = ANY($1) AND type = 'CallEnded'`,
        [streams],
      );
      const endedAfterMs = (lastEnded[0]?.at.getTime() ?? Number.POSITIVE_INFINITY) - killedAt;
      const { rows: lost } = await ledger.query<{ n: string }>(
        `SELECT count(*) AS n FROM ledger_events
          WHERE stream_id = ANY($1) AND type = 'ParticipantDisconnected'
            AND data->>'reason' = 'instance_lost'`,
        [streams],
      );
      expect(Number(lost[0]?.n)).toBe(2 * OPEN_CALLS);
      const bound =
        backAfterMs +
        (PRESENCE.LEASE_SECONDS + PRESENCE.RENEW_SECONDS + PRESENCE.GRACE_SECONDS) * 1000 +
        SLACK_MS;
      process.stdout.write(
        `the ${OPEN_CALLS} calls left open ended ${endedAfterMs} ms after the kill (bound ${bound} ms)\n`,
      );
      expect(endedAfterMs).toBeLessThanOrEqual(bound);
    } finally {
      await ledger.end();
    }
  }, 600_000);
});
