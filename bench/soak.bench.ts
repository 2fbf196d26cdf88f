/**
 * Soak benchmark (npm run bench:soak): the built server in a child process, fed calls at a steady
 * rate for a long time, on loopback only. Each call is started by a provider, answered by a
 * patient, joined by both over their sockets, reported on (connection-quality every
 * QUALITY_REPORT_INTERVAL_SECONDS from both sides) and ended after its length.
 *
 * Every minute it reports the server's RSS, its event-loop lag p99 (prom-client's histogram on
 * /metrics), the read models' lag (/health) and the calls done; at the end, the peak RSS of the
 * first half against the second half's: memory must stay flat.
 *
 * Knobs: SOAK_MINUTES=30  SOAK_CALLS_PER_MINUTE=30  SOAK_CALL_SECONDS=60  SOAK_PAIRS=40;
 * DATABASE_URL for the server's PostgreSQL (default 127.0.0.1:5432; a database of its own).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createBenchDatabase } from './bench-database.js';
import { markdownTable } from './markdown-table.js';

const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 30);
const CALLS_PER_MINUTE = Number(process.env['SOAK_CALLS_PER_MINUTE'] ?? 30);
const CALL_SECONDS = Number(process.env['SOAK_CALL_SECONDS'] ?? 60);
const PAIRS = Number(process.env['SOAK_PAIRS'] ?? 40);
const QUALITY_INTERVAL_SECONDS = 5;
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.js');
const LINK = { rttMs: 40, jitterMs: 5, packetLossPct: 0, connectionState: 'connected' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The built server, started in `cwd`, once it listens; with the port it took. */
async function startServer(
  env: Record<string, string>,
  cwd: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let seen = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      // Only the start is read; after it the log is drained and dropped.
      seen = (seen + chunk.toString()).slice(-4096);
      const listening = /"port":(\d+),"msg":"call ledger listening"/.exec(seen);
      if (listening) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(Number(listening[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} on start`)));
  });
  return { child, port };
}

interface Api {
  request(
    method: string,
    route: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  text(route: string): Promise<string>;
}

function apiAt(base: string): Api {
  return {
    async request(method, route, token, body) {
      const response = await fetch(`${base}${route}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    },
    async text(route) {
      return (await fetch(`${base}${route}`)).text();
    },
  };
}

interface Member {
  readonly id: string;
  readonly token: string;
  readonly socket: Socket;
}

interface Pair {
  readonly provider: Member;
  readonly patient: Member;
  busy: boolean;
}

/** Logged in, with a socket on /webrtc. */
async function connectMember(api: Api, base: string, person: { id: string; email: string }) {
  const login = await api.request('POST', '/auth/login', null, {
    email: person.email,
    password: 'demo',
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const token = String(login.body['accessToken']);
  const socket = io(`${base}/webrtc`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { id: person.id, token, socket } satisfies Member;
}

/** The soak's own providers and patients, with the demo accounts' password. */
async function createPairs(databaseUrl: string, api: Api, base: string): Promise<Pair[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const people: Array<{ id: string; email: string; role: string }> = [];
  try {
    const { rows } = await db.query<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE email = 'provider@demo.test'",
    );
    const hash = rows[0]?.password_hash;
    if (!hash) throw new Error('no demo provider to copy the password from');
    for (let i = 0; i < PAIRS; i++) {
      for (const role of ['provider', 'patient']) {
        const person = { id: randomUUID(), email: `soak-${role}-${i}@bench.test`, role };
        people.push(person);
        await db.query(
          'INSERT INTO users (id, email, role, display_name, password_hash) VALUES ($1, $2, $3, $4, $5)',
          [person.id, person.email, role, `Soak ${role} ${i}`, hash],
        );
      }
    }
  } finally {
    await db.end();
  }
  // One login at a time: the password hasher refuses a crowd (AUTH.BUSY), as it should.
  const members: Member[] = [];
  for (const person of people) members.push(await connectMember(api, base, person));
  const pairs: Pair[] = [];
  for (let i = 0; i < members.length; i += 2) {
    const provider = members[i];
    const patient = members[i + 1];
    if (provider && patient) pairs.push({ provider, patient, busy: false });
  }
  return pairs;
}

interface Counters {
  started: number;
  ended: number;
  qualityReports: number;
  failures: Map<string, number>;
}

function fail(counters: Counters, what: string): void {
  counters.failures.set(what, (counters.failures.get(what) ?? 0) + 1);
}

/** One call: started, answered, joined by both, reported on, ended after CALL_SECONDS. */
async function runCall(api: Api, pair: Pair, counters: Counters, stopAt: number): Promise<void> {
  const { provider, patient } = pair;
  const started = await api.request('POST', '/webrtc/calls', provider.token, {
    patientId: patient.id,
    type: 'VIDEO',
  });
  if (started.status !== 201) return fail(counters, `start ${started.status}`);
  counters.started += 1;
  const callId = String(started.body['id']);
  const answered = await api.request('POST', `/webrtc/calls/${callId}/answer`, patient.token);
  if (answered.status !== 200) return fail(counters, `answer ${answered.status}`);
  for (const member of [provider, patient]) {
    const ack = (await member.socket.timeout(10_000).emitWithAck('join-call', { callId })) as {
      ok: boolean;
      code?: string;
    };
    if (!ack.ok) fail(counters, `join ${ack.code}`);
  }
  const endAt = Math.min(Date.now() + CALL_SECONDS * 1000, stopAt);
  while (Date.now() < endAt) {
    await sleep(QUALITY_INTERVAL_SECONDS * 1000);
    for (const member of [provider, patient]) {
      const ack = (await member.socket
        .timeout(10_000)
        .emitWithAck('connection-quality', { callId, ...LINK })) as { ok: boolean; code?: string };
      if (ack.ok) counters.qualityReports += 1;
      else fail(counters, `quality ${ack.code}`);
    }
  }
  const ended = await api.request('POST', `/webrtc/calls/${callId}/end`, provider.token, {});
  if (ended.status !== 200) return fail(counters, `end ${ended.status}`);
  counters.ended += 1;
}

/** VmRSS of a process, in MB. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

interface MinuteSample {
  readonly minute: number;
  readonly rssMb: number;
  readonly lagP99Ms: number;
  readonly projectionSecondsBehind: number;
  readonly projectionEventsBehind: number;
  readonly started: number;
  readonly ended: number;
  readonly qualityReports: number;
}

async function sample(api: Api, pid: number, minute: number, counters: Counters) {
  const metrics = await api.text('/metrics');
  const health = JSON.parse(await api.text('/health')) as {
    details?: { projections?: Record<string, { secondsBehind?: number; eventsBehind?: number }> };
  };
  const projections = Object.values(health.details?.projections ?? {});
  return {
    minute,
    rssMb: rssMb(pid),
    lagP99Ms: metric(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    projectionSecondsBehind: Math.max(0, ...projections.map((p) => p.secondsBehind ?? 0)),
    projectionEventsBehind: projections.reduce((sum, p) => sum + (p.eventsBehind ?? 0), 0),
    started: counters.started,
    ended: counters.ended,
    qualityReports: counters.qualityReports,
  };
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('soak');
  const root = mkdtempSync(path.join(tmpdir(), 'vw-soak-'));
  const { child: server, port } = await startServer(
    {
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.connectionString,
      JWT_SECRET: 'soak-benchmark-secret-long-enough-for-hs256!',
      JWT_TTL_SECONDS: String(Math.min(86_400, (MINUTES + 10) * 60)),
      LOGIN_ATTEMPTS_PER_MINUTE: '100000',
      LOGIN_ATTEMPTS_PER_ACCOUNT: '100000',
      CALLS_PER_USER_PER_MINUTE: '100000',
      QUALITY_REPORT_INTERVAL_SECONDS: String(QUALITY_INTERVAL_SECONDS),
    },
    root,
  );
  const base = `http://127.0.0.1:${port}`;
  const api = apiAt(base);
  const counters: Counters = { started: 0, ended: 0, qualityReports: 0, failures: new Map() };
  const samples: MinuteSample[] = [];
  let pairs: Pair[] = [];
  try {
    const pid = server.pid;
    if (pid === undefined) throw new Error('the server has no pid');
    pairs = await createPairs(database.connectionString, api, base);
    await soak(api, pid, pairs, counters, samples);
  } finally {
    for (const pair of pairs) {
      pair.provider.socket.close();
      pair.patient.socket.close();
    }
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
    await database.drop();
    rmSync(root, { recursive: true, force: true });
  }
  report(counters, samples);
}

/** Calls at the steady rate until the time is up, sampled every minute. */
async function soak(
  api: Api,
  pid: number,
  pairs: Pair[],
  counters: Counters,
  samples: MinuteSample[],
): Promise<void> {
  const calls: Array<Promise<void>> = [];
  const started = Date.now();
  const stopAt = started + MINUTES * 60_000;
  process.stdout.write(
    `soak: ${MINUTES} min, ${CALLS_PER_MINUTE} calls/min of ${CALL_SECONDS} s, ` +
      `${pairs.length} provider-patient pairs, quality every ${QUALITY_INTERVAL_SECONDS} s\n`,
  );
  const reporter = setInterval(() => {
    const minute = Math.round((Date.now() - started) / 60_000);
    void sample(api, pid, minute, counters).then((row) => {
      samples.push(row);
      process.stdout.write(
        `min ${row.minute}: rss ${row.rssMb.toFixed(0)} MB, loop lag p99 ${row.lagP99Ms.toFixed(1)} ms, ` +
          `projections ${row.projectionSecondsBehind.toFixed(1)} s / ${row.projectionEventsBehind} events behind, ` +
          `calls ${row.started} started ${row.ended} ended, ${row.qualityReports} quality reports\n`,
      );
    });
  }, 60_000);
  try {
    let next = 0;
    while (Date.now() < stopAt) {
      const pair = pairs.find((candidate) => !candidate.busy);
      if (pair) {
        pair.busy = true;
        calls.push(
          runCall(api, pair, counters, stopAt)
            .catch((error: unknown) => fail(counters, (error as Error).name))
            .finally(() => (pair.busy = false)),
        );
      } else {
        fail(counters, 'no free pair');
      }
      next += 60_000 / CALLS_PER_MINUTE;
      await sleep(Math.max(0, started + next - Date.now()));
    }
    await Promise.all(calls);
    clearInterval(reporter);
    samples.push(await sample(api, pid, MINUTES, counters));
  } finally {
    clearInterval(reporter);
  }
}

/** The halves side by side: memory must stay flat. */
function report(counters: Counters, samples: readonly MinuteSample[]): void {
  const half = MINUTES / 2;
  const peak = (rows: readonly MinuteSample[]) => Math.max(...rows.map((row) => row.rssMb));
  const firstHalf = peak(samples.filter((row) => row.minute <= half));
  const secondHalf = peak(samples.filter((row) => row.minute > half));
  process.stdout.write(
    `\n${markdownTable(
      ['', 'peak RSS (MB)', 'max loop lag p99 (ms)', 'max projection lag (s)'],
      [
        [
          `first half (min 1-${half})`,
          firstHalf.toFixed(0),
          Math.max(...samples.filter((r) => r.minute <= half).map((r) => r.lagP99Ms)).toFixed(1),
          Math.max(
            ...samples.filter((r) => r.minute <= half).map((r) => r.projectionSecondsBehind),
          ).toFixed(1),
        ],
        [
          `second half (min ${half + 1}-${MINUTES})`,
          secondHalf.toFixed(0),
          Math.max(...samples.filter((r) => r.minute > half).map((r) => r.lagP99Ms)).toFixed(1),
          Math.max(
            ...samples.filter((r) => r.minute > half).map((r) => r.projectionSecondsBehind),
          ).toFixed(1),
        ],
      ],
    )}\n` +
      `calls: ${counters.started} started, ${counters.ended} ended; ${counters.qualityReports} quality reports; ` +
      `failures: ${counters.failures.size === 0 ? 'none' : JSON.stringify(Object.fromEntries(counters.failures))}\n` +
      `memory ${secondHalf <= firstHalf * 1.1 ? 'flat' : 'GREW'}: second-half peak ${(
        (secondHalf / firstHalf) *
        100
      ).toFixed(0)}% of the first half's\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
