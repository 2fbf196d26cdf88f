import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startBuiltServer, stopBuiltServer, type BuiltServer } from '../support/built-server.js';
import { freePort } from '../support/free-port.js';
import {
  startOwnPostgresCluster,
  type OwnPostgresCluster,
} from '../support/own-postgres-cluster.js';
import { SignalingClient, eventually, type Ack } from '../support/socket-client.js';
import { send, loginAs, type HttpAnswer } from '../support/plain-http.js';
import { DEMO, TEST_JWT_SECRET } from '../support/test-server.js';
import { buildOnce } from '../support/build-once.js';

const WRITERS = 6;
/** No answer may take longer: a request that waits for the database to come back has hung. */
const HANG_MS = 10_000;
const OUTAGE_MS = 2_000;
/** Longer than the outage: a participant whose instance is up must not be taken for lost. */
const LEASE_SECONDS = 8;
const LINK_UP = { rttMs: 40, jitterMs: 5, packetLossPct: 0, connectionState: 'connected' };

/** What the load saw: every answer that was not a success, and every request that hung. */
interface Observed {
  readonly refusals: HttpAnswer[];
  hangs: number;
  acknowledged: { initiated: string[]; answered: string[]; ended: string[] };
  keys: number;
}

describe('PostgreSQL restarted under load', () => {
  let cluster: OwnPostgresCluster;
  let server: BuiltServer;
  let url: string;
  const root = mkdtempSync(path.join(tmpdir(), 'vw-fault-pg-'));

  beforeAll(async () => {
    await buildOnce();
    cluster = await startOwnPostgresCluster(await freePort());
    server = await startBuiltServer(
      {
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: cluster.url,
        JWT_SECRET: TEST_JWT_SECRET,
        RING_TIMEOUT_SECONDS: '3',
        PRESENCE_LEASE_SECONDS: String(LEASE_SECONDS),
        PRESENCE_LEASE_RENEW_SECONDS: '1',
        LOGIN_ATTEMPTS_PER_MINUTE: '100000',
        LOGIN_ATTEMPTS_PER_ACCOUNT: '100000',
        CALLS_PER_USER_PER_MINUTE: '100000',
      },
      root,
    );
    if (!server.listening) throw new Error(`the server did not start: ${server.stderr()}`);
    url = `http://127.0.0.1:${server.port}`;
  }, 240_000);

  afterAll(async () => {
    if (server) await stopBuiltServer(server.child);
    await cluster?.remove();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  function call(
    method: string,
    route: string,
    token: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer | 'hung' | 'unreachable'> {
    return send(url, { method, route, token, body, headers }, HANG_MS);
  }

  /**
   * Sends until it is answered with something other than "the database is away": each refusal is
   * kept, and the same request (the same Idempotency-Key) goes again after Retry-After, as a
   * client should. A 409 after a refusal means the refused attempt had in fact gone through.
   */
  async function persist(
    observed: Observed,
    send: () => Promise<HttpAnswer | 'hung' | 'unreachable'>,
  ): Promise<HttpAnswer | null> {
    let refusedBefore = false;
    for (;;) {
      const answer = await send();
      if (answer === 'hung' || answer === 'unreachable') {
        observed.hangs += 1;
        return null;
      }
      if (answer.status < 300) return answer;
      if (answer.status === 409 && refusedBefore) return null;
      observed.refusals.push(answer);
      if (answer.status !== 503) return null;
      refusedBefore = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function writer(
    index: number,
    tokens: { provider: string; patient: string },
    observed: Observed,
    until: () => boolean,
  ): Promise<void> {
    for (let flow = 0; !until(); flow++) {
      const key = `fault-${index}-${flow}`;
      observed.keys += 1;
      const initiated = await persist(observed, () =>
        call(
          'POST',
          '/webrtc/calls',
          tokens.provider,
          { patientId: DEMO.patient.id, type: 'VIDEO' },
          {
            'idempotency-key': key,
          },
        ),
      );
      if (!initiated) continue;
      const id = String(initiated.body['id']);
      observed.acknowledged.initiated.push(id);
      if (
        await persist(observed, () => call('POST', `/webrtc/calls/${id}/answer`, tokens.patient))
      ) {
        observed.acknowledged.answered.push(id);
      }
      if (
        await persist(observed, () => call('POST', `/webrtc/calls/${id}/end`, tokens.provider, {}))
      ) {
        observed.acknowledged.ended.push(id);
      }
    }
  }

  it('answers 503 with Retry-After while it is away, loses nothing acknowledged, and every worker recovers', async () => {
    const tokens = {
      provider: await loginAs(url, 'provider'),
      patient: await loginAs(url, 'patient'),
    };
    const patientSocket = await SignalingClient.connect(url, tokens.patient);
    const observed: Observed = {
      refusals: [],
      hangs: 0,
      acknowledged: { initiated: [], answered: [], ended: [] },
      keys: 0,
    };
    const created = await call('POST', '/webrtc/calls', tokens.provider, {
      patientId: DEMO.patient.id,
      type: 'VIDEO',
    });
    const joinable = typeof created === 'string' ? '' : String(created.body['id']);
    // A call in progress over sockets all along: its presence leases must live through it.
    const inProgress = await call('POST', '/webrtc/calls', tokens.provider, {
      patientId: DEMO.patient.id,
      type: 'VIDEO',
    });
    const liveCall = typeof inProgress === 'string' ? '' : String(inProgress.body['id']);
    await call('POST', `/webrtc/calls/${liveCall}/answer`, tokens.patient);
    const providerSocket = await SignalingClient.connect(url, tokens.provider);
    for (const socket of [providerSocket, patientSocket]) {
      expect(await socket.request('join-call', { callId: liveCall })).toMatchObject({ ok: true });
      expect(
        await socket.request('connection-quality', { callId: liveCall, ...LINK_UP }),
      ).toMatchObject({ ok: true });
    }
    let socketAckDuringOutage: Ack | undefined;
    let loadOver = false;
    const writers = Array.from({ length: WRITERS }, (_, index) =>
      writer(index, tokens, observed, () => loadOver),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await cluster.stop();
      // A socket command meanwhile is told the same, in its ack.
      socketAckDuringOutage = await patientSocket.request('join-call', { callId: joinable });
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await cluster.start();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    } finally {
      loadOver = true;
      await Promise.all(writers);
    }

    const refusalCodes = [...new Set(observed.refusals.map((refusal) => refusal.body['code']))];
    process.stdout.write(
      `PostgreSQL away ${OUTAGE_MS} ms under ${WRITERS} writers: ${observed.keys} flows, ` +
        `${observed.acknowledged.ended.length} calls ended, ${observed.refusals.length} refusals ` +
        `(${refusalCodes.join(', ')}), ${observed.hangs} hung\n`,
    );
    // What the server could not answer as an outage, should the next checks fail.
    const failures = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"msg":"request failed"'))
      .map((line) => (JSON.parse(line) as { err: { message: string } }).err.message);
    if (failures.length > 0)
      process.stdout.write(`request failed: ${[...new Set(failures)].join(' | ')}\n`);
    expect(observed.hangs).toBe(0);
    // The outage was felt, and felt only as "try again shortly".
    expect(observed.refusals.length).toBeGreaterThan(0);
    for (const refusal of observed.refusals) {
      expect(refusal.status).toBe(503);
      expect(refusal.body['code']).toBe('SERVICE.DATABASE_UNAVAILABLE');
      expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    }

    expect(socketAckDuringOutage).toMatchObject({
      ok: false,
      code: 'SERVICE.DATABASE_UNAVAILABLE',
      retryAfterSeconds: 2,
    });

    // Nothing acknowledged is lost; no retried Idempotency-Key made a second call.
    const ledger = new pg.Client({ connectionString: cluster.url });
    await ledger.connect();
    try {
      const { rows } = await ledger.query<{ stream_id: string; type: string }>(
        "SELECT stream_id, type FROM ledger_events WHERE type IN ('CallInitiated', 'CallAnswered', 'CallEnded')",
      );
      const has = (type: string, id: string) =>
        rows.some((row) => row.type === type && row.stream_id === `call-${id}`);
      for (const id of observed.acknowledged.initiated) expect(has('CallInitiated', id)).toBe(true);
      for (const id of observed.acknowledged.answered) expect(has('CallAnswered', id)).toBe(true);
      for (const id of observed.acknowledged.ended) expect(has('CallEnded', id)).toBe(true);
      const initiatedByLoad = rows.filter(
        (row) =>
          row.type === 'CallInitiated' &&
          row.stream_id !== `call-${joinable}` &&
          row.stream_id !== `call-${liveCall}`,
      ).length;
      expect(initiatedByLoad).toBe(new Set(observed.acknowledged.initiated).size);
    } finally {
      await ledger.end();
    }

    // The read models caught up by themselves.
    const lastEnded = observed.acknowledged.ended.at(-1);
    expect(lastEnded).toBeDefined();
    const readBack = await eventually(
      () => call('GET', `/webrtc/calls/${lastEnded}`, tokens.provider),
      (answer) => typeof answer !== 'string' && answer.body['status'] === 'ENDED',
      30_000,
    );
    expect(typeof readBack !== 'string' && readBack.body['status']).toBe('ENDED');

    // The notifier and the timer worker too: a new call rings the patient, and its ring times out.
    const ringing = await call('POST', '/webrtc/calls', tokens.provider, {
      patientId: DEMO.patient.id,
      type: 'AUDIO',
    });
    expect(typeof ringing !== 'string' && ringing.status).toBe(201);
    const ringingId = typeof ringing === 'string' ? '' : String(ringing.body['id']);
    await patientSocket.next('incoming-call', (payload) => payload['callId'] === ringingId, 30_000);
    const missed = await eventually(
      () => call('GET', `/webrtc/calls/${ringingId}`, tokens.provider),
      (answer) => typeof answer !== 'string' && answer.body['status'] === 'MISSED',
      30_000,
    );
    expect(typeof missed !== 'string' && missed.body['status']).toBe('MISSED');
    // Presence: the leases were renewed again once the database was back, nobody was lost.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000));
    const presence = new pg.Client({ connectionString: cluster.url });
    await presence.connect();
    try {
      const leases = await presence.query<{ live: boolean }>(
        'SELECT expires_at > now() AS live FROM presence_leases WHERE call_id = $1',
        [liveCall],
      );
      expect(leases.rows).toEqual([{ live: true }, { live: true }]);
      const drops = await presence.query(
        "SELECT 1 FROM ledger_events WHERE stream_id = $1 AND type = 'ParticipantDisconnected'",
        [`call-${liveCall}`],
      );
      expect(drops.rows).toEqual([]);
    } finally {
      await presence.end();
    }
    providerSocket.close();
    patientSocket.close();

    // And the ledger's tree: every event is a leaf again.
    const tree = new pg.Client({ connectionString: cluster.url });
    await tree.connect();
    try {
      const counts = () =>
        tree
          .query<{ events: string; leaves: string }>(
            'SELECT (SELECT count(*) FROM ledger_events) AS events, (SELECT count(*) FROM ledger_tree_leaves) AS leaves',
          )
          .then(({ rows }) => rows[0]);
      const caughtUp = await eventually(counts, (row) => row?.events === row?.leaves, 30_000);
      expect(caughtUp?.leaves).toBe(caughtUp?.events);
    } finally {
      await tree.end();
    }
  }, 240_000);
});
