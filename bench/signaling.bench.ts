/**
 * Signaling benchmark (npm run bench:signaling): the /webrtc gateway against a bare `ws` relay
 * (the floor) and the PeerJS server, in one run, on loopback only.
 *
 * For each size (100 and 1,000 pairs, i.e. 200 and 2,000 sockets) and each server:
 *   paced      every pair exchanges 1.5 KB SDP-like messages at 10 msg/s (5 each way) for 20 s;
 *   ping-pong  every pair bounces one message back and forth as fast as it can for 10 s.
 * Reported: delivered / sent, msgs/s delivered, one-way latency p50 / p99 / max (sender and
 * receiver live in this process and share its clock), and the server process's peak RSS and
 * CPU. Each server runs in a child process of its own; the clients all run here.
 *
 * Knobs: BENCH_PAIRS=100,1000  BENCH_TARGETS=raw-ws,peerjs,socket.io,gateway  BENCH_PACED_SECONDS=20
 * BENCH_PINGPONG_SECONDS=10; DATABASE_URL for the gateway's PostgreSQL (default 127.0.0.1:5432).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { percentile } from './latencies.js';
import { connectPairs, type Pair } from './signaling-clients.js';
import type { TargetName, TargetReady } from './signaling-targets.js';

const PAIR_COUNTS = (process.env['BENCH_PAIRS'] ?? '100,1000').split(',').map(Number);
const TARGETS = (process.env['BENCH_TARGETS'] ?? 'raw-ws,peerjs,socket.io,gateway').split(
  ',',
) as TargetName[];
const PACED_SECONDS = Number(process.env['BENCH_PACED_SECONDS'] ?? 20);
const PINGPONG_SECONDS = Number(process.env['BENCH_PINGPONG_SECONDS'] ?? 10);
/** Each endpoint sends every 200 ms: 10 msg/s per pair. */
const PACED_PERIOD_MS = 200;
const TICK_MS = 5;
/** How long a phase waits for its messages still in flight. */
const DRAIN_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PhaseResult {
  sent: number;
  delivered: number;
  seconds: number;
  latencies: number[];
  rssPeakMb: number;
  cpuPct: number;
}

/** Peak RSS and CPU share of the server process, from /proc. */
class ProcessSampler {
  private timer: NodeJS.Timeout | null = null;
  private peakKb = 0;
  private cpuStart = 0;
  private startedAt = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    this.peakKb = this.rssKb();
    this.cpuStart = this.cpuTicks();
    this.startedAt = performance.now();
    this.timer = setInterval(() => {
      this.peakKb = Math.max(this.peakKb, this.rssKb());
    }, 250);
  }

  stop(): { rssPeakMb: number; cpuPct: number } {
    if (this.timer) clearInterval(this.timer);
    const seconds = (performance.now() - this.startedAt) / 1000;
    // Clock ticks are 1/100 s on Linux.
    const cpuPct = ((this.cpuTicks() - this.cpuStart) / 100 / seconds) * 100;
    return { rssPeakMb: Math.max(this.peakKb, this.rssKb()) / 1024, cpuPct };
  }

  private rssKb(): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  private cpuTicks(): number {
    try {
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
      return Number(fields?.[11] ?? 0) + Number(fields?.[12] ?? 0);
    } catch {
      return 0;
    }
  }
}

/** Routes every endpoint's received texts to the phase that is running. */
class Receiver {
  onArrival: (pair: number, side: 'a' | 'b', sentAt: number) => void = () => undefined;

  attach(pairs: readonly Pair[]): void {
    pairs.forEach((pair, index) => {
      pair.a.onArrival((sentAt) => this.onArrival(index, 'a', sentAt));
      pair.b.onArrival((sentAt) => this.onArrival(index, 'b', sentAt));
    });
  }
}

async function drain(result: { sent: number; delivered: number }, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (result.delivered < result.sent && performance.now() < deadline) await sleep(20);
}

async function paced(pairs: readonly Pair[], receiver: Receiver, seconds: number) {
  const result = { sent: 0, delivered: 0, latencies: [] as number[] };
  const buckets = new Map<number, number>();
  receiver.onArrival = (_pair, _side, sentAt) => {
    // A late arrival from an earlier phase is not this phase's.
    if (sentAt < started) return;
    result.delivered++;
    const latency = performance.now() - sentAt;
    result.latencies.push(latency);
    if (process.env['BENCH_DEBUG']) {
      const bucket = Math.floor((sentAt - started) / 250);
      buckets.set(bucket, Math.max(buckets.get(bucket) ?? 0, latency));
    }
  };
  // Endpoints spread evenly over the period, each in one of its slots.
  const endpoints = pairs.flatMap((pair) => [pair.a, pair.b]);
  const slots = PACED_PERIOD_MS / TICK_MS;
  const started = performance.now();
  const bySlot = Array.from({ length: slots }, (_, slot) =>
    endpoints.filter((_endpoint, index) => index % slots === slot),
  );
  const end = started + seconds * 1000;
  let done = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.floor((Math.min(now, end) - started) / TICK_MS);
      for (; done < due; done++) {
        for (const endpoint of bySlot[done % slots] ?? []) {
          endpoint.send(performance.now());
          result.sent++;
        }
      }
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await drain(result, DRAIN_MS);
  if (process.env['BENCH_DEBUG']) {
    const worst = [...buckets]
      .sort((x, y) => x[0] - y[0])
      .map(([b, l]) => `${b * 250}:${l.toFixed(0)}`);
    process.stdout.write(`worst latency per 250 ms: ${worst.join(' ')}\n`);
  }
  return { ...result, seconds };
}

async function pingPong(pairs: readonly Pair[], receiver: Receiver, seconds: number) {
  const result = { sent: 0, delivered: 0, latencies: [] as number[] };
  const started = performance.now();
  const end = started + seconds * 1000;
  receiver.onArrival = (index, side, sentAt) => {
    if (sentAt < started) return;
    result.delivered++;
    result.latencies.push(performance.now() - sentAt);
    const pair = pairs[index];
    if (!pair || performance.now() >= end) return;
    (side === 'a' ? pair.a : pair.b).send(performance.now());
    result.sent++;
  };
  for (const pair of pairs) {
    pair.a.send(performance.now());
    result.sent++;
  }
  await sleep(seconds * 1000);
  await drain(result, DRAIN_MS);
  return { ...result, seconds };
}

/** Waits (at most 60 s) until the server process uses under 10 % of a core for half a second. */
async function settle(pid: number): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const sampler = new ProcessSampler(pid);
    sampler.start();
    await sleep(500);
    if (sampler.stop().cpuPct < 10) return;
  }
}

function startTarget(
  target: TargetName,
  pairs: number,
): Promise<{ child: ChildProcess; ready: TargetReady }> {
  const script = fileURLToPath(new URL('./signaling-targets.js', import.meta.url));
  const profile = process.env['BENCH_CPU_PROFILE_DIR'];
  const child = fork(script, [target, String(pairs)], {
    execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`${target} did not start`)), 180_000);
    child.once('exit', (code) => reject(new Error(`${target} exited with ${code}`)));
    child.on('message', (ready: TargetReady) => {
      if (ready.type !== 'ready') return;
      clearTimeout(timeout);
      resolve({ child, ready });
    });
  });
}

async function stopTarget(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Drop the start-up listener that treats an exit as a failure.
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}

interface Row {
  pairs: number;
  target: TargetName;
  phase: 'paced' | 'ping-pong';
  result: PhaseResult;
}

function summarize(row: Row) {
  const sorted = [...row.result.latencies].sort((x, y) => x - y);
  return {
    sockets: row.pairs * 2,
    server: row.target,
    phase: row.phase,
    delivered: `${row.result.delivered}/${row.result.sent}`,
    'msgs/s': Math.round(row.result.delivered / row.result.seconds),
    'p50 ms': Number(percentile(sorted, 50).toFixed(2)),
    'p99 ms': Number(percentile(sorted, 99).toFixed(2)),
    'max ms': Number((sorted.at(-1) ?? Number.NaN).toFixed(2)),
    'server RSS MB': Math.round(row.result.rssPeakMb),
    'server CPU %': Math.round(row.result.cpuPct),
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const pairs of PAIR_COUNTS) {
    for (const target of TARGETS) {
      const { child, ready } = await startTarget(target, pairs);
      let connected: Pair[] = [];
      try {
        const setupStarted = performance.now();
        connected = await connectPairs(target, ready, pairs);
        const setupSeconds = ((performance.now() - setupStarted) / 1000).toFixed(1);
        process.stdout.write(`${target}: ${pairs} pairs connected in ${setupSeconds} s\n`);
        const receiver = new Receiver();
        receiver.attach(connected);
        // Steady state only: let set-up work (the gateway's projections of the new calls) finish,
        // then warm the message path up, unmeasured.
        await settle(child.pid ?? 0);
        await paced(connected, receiver, 2);
        await settle(child.pid ?? 0);
        for (const [phase, run, seconds] of [
          ['paced', paced, PACED_SECONDS],
          ['ping-pong', pingPong, PINGPONG_SECONDS],
        ] as const) {
          const sampler = new ProcessSampler(child.pid ?? 0);
          sampler.start();
          const result = await run(connected, receiver, seconds);
          const row: Row = { pairs, target, phase, result: { ...result, ...sampler.stop() } };
          rows.push(row);
          process.stdout.write(`${JSON.stringify(summarize(row))}\n`);
          await sleep(500);
        }
      } finally {
        await stopTarget(child);
        for (const pair of connected) {
          pair.a.close();
          pair.b.close();
        }
      }
    }
  }
  const table = rows.map(summarize);
  const columns = Object.keys(table[0] ?? {});
  const lines = [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...table.map(
      (row) =>
        `| ${columns.map((column) => String(row[column as keyof typeof row])).join(' | ')} |`,
    ),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
