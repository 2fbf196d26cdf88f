/**
 * Recording upload benchmark (npm run bench:recording), on a real PostgreSQL (DATABASE_URL, or
 * the local one on 127.0.0.1:5432) and the real HTTP server.
 *
 * A 200 MB file (BENCH_RECORDING_MB) is
 *   1. copied as a plain stream file copy (read -> write, the same disk): the limit;
 *   2. uploaded with PUT .../media: HTTP + size limit + SHA-256 + AES-256-GCM + local storage;
 *   3. downloaded with GET .../media: storage + authenticated decryption + HTTP.
 * Interleaved over BENCH_ROUNDS rounds, each with a fresh recording. Peak RSS is sampled every
 * 20 ms during each phase: it must stay flat (nothing holds the file whole in memory).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { createBenchDatabase } from './bench-database.js';

const MEGABYTES = Number(process.env['BENCH_RECORDING_MB'] ?? 200);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const PATIENT_ID = '00000000-0000-4000-8000-000000000003';
const MB = 1024 * 1024;

interface Phase {
  seconds: number;
  peakRssMb: number;
}

async function measure(work: () => Promise<void>): Promise<Phase> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return { seconds: (performance.now() - started) / 1000, peakRssMb: peak / MB };
}

async function json(
  server: RunningServer,
  method: string,
  route: string,
  token: string | null,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

async function stoppedRecording(
  server: RunningServer,
  provider: string,
  patient: string,
): Promise<string> {
  const call = await json(server, 'POST', '/webrtc/calls', provider, {
    patientId: PATIENT_ID,
    type: 'VIDEO',
  });
  const id = String(call['id']);
  await json(server, 'POST', `/webrtc/calls/${id}/answer`, patient);
  await json(server, 'POST', `/webrtc/calls/${id}/consent`, provider, { consented: true });
  await json(server, 'POST', `/webrtc/calls/${id}/consent`, patient, { consented: true });
  const recording = await json(server, 'POST', `/webrtc/calls/${id}/record`, provider);
  const recordingId = String(recording['id']);
  await json(server, 'POST', `/webrtc/calls/${id}/recordings/${recordingId}/stop`, provider);
  return `/webrtc/calls/${id}/recordings/${recordingId}/media`;
}

function put(server: RunningServer, route: string, token: string, file: string, size: number) {
  return new Promise<void>((resolve, reject) => {
    const request = http.request(`${server.url}${route}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'video/webm',
        'content-length': String(size),
      },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode === 200
          ? resolve()
          : reject(new Error(`upload answered ${response.statusCode}`)),
      );
    });
    request.on('error', reject);
    createReadStream(file, { highWaterMark: MB }).pipe(request);
  });
}

function get(server: RunningServer, route: string, token: string, size: number) {
  return new Promise<void>((resolve, reject) => {
    http
      .get(
        `${server.url}${route}`,
        { headers: { authorization: `Bearer ${token}` } },
        (response) => {
          let received = 0;
          response.on('data', (chunk: Buffer) => (received += chunk.length));
          response.on('end', () =>
            received === size ? resolve() : reject(new Error(`got ${received} of ${size} bytes`)),
          );
          response.on('error', reject);
        },
      )
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'vw-bench-recording-'));
  const database = await createBenchDatabase('recording');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.connectionString,
    JWT_SECRET: randomBytes(32).toString('hex'),
    RECORDING_KEK: randomBytes(32).toString('hex'),
    RECORDINGS_DIR: path.join(work, 'recordings'),
    RECORDING_MAX_BYTES: String(4 * MEGABYTES * MB),
  });
  const server = await startServer(config, { runTimers: false });
  try {
    const login = async (email: string) =>
      String(
        (await json(server, 'POST', '/auth/login', null, { email, password: 'demo' }))[
          'accessToken'
        ],
      );
    const provider = await login('provider@demo.test');
    const patient = await login('patient@demo.test');

    const source = path.join(work, 'source.webm');
    await pipeline(
      (async function* () {
        const block = randomBytes(MB);
        for (let index = 0; index < MEGABYTES; index++) yield block;
      })(),
      createWriteStream(source),
    );
    const size = (await stat(source)).size;
    const baseline = process.memoryUsage.rss() / MB;

    const results: Record<'copy' | 'upload' | 'download', Phase[]> = {
      copy: [],
      upload: [],
      download: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      const copy = path.join(work, `copy-${round}.webm`);
      results.copy.push(
        await measure(() =>
          pipeline(createReadStream(source, { highWaterMark: MB }), createWriteStream(copy)),
        ),
      );
      await rm(copy);
      const route = await stoppedRecording(server, provider, patient);
      results.upload.push(await measure(() => put(server, route, provider, source, size)));
      results.download.push(await measure(() => get(server, route, patient, size)));
    }

    const report = (label: string, phases: Phase[]) => {
      const best = Math.min(...phases.map((phase) => phase.seconds));
      const peak = Math.max(...phases.map((phase) => phase.peakRssMb));
      return { label, bestMBps: size / MB / best, best, peak };
    };
    const rows = [
      report('plain file copy (the limit)', results.copy),
      report('PUT upload: encrypt + store', results.upload),
      report('GET download: decrypt', results.download),
    ];
    const limit = rows[0]?.bestMBps ?? 1;
    console.log(`recording benchmark: ${size / MB} MiB file, ${ROUNDS} rounds, best of each`);
    console.log(`RSS before the runs: ${baseline.toFixed(0)} MiB`);
    for (const row of rows) {
      console.log(
        `${row.label.padEnd(30)} ${row.bestMBps.toFixed(0).padStart(5)} MiB/s ` +
          `(${row.best.toFixed(2)} s, ${((100 * row.bestMBps) / limit).toFixed(0)}% of the copy)  ` +
          `peak RSS ${row.peak.toFixed(0)} MiB (+${(row.peak - baseline).toFixed(0)} MiB)`,
      );
    }
  } finally {
    await server.close();
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
