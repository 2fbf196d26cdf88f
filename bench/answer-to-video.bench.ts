/**
 * Answer-to-video benchmark (npm run bench:web): the time from the patient's click on "Answer"
 * until the remote video plays on both sides, in Debian's chromium driving the built web client
 * against the real server (PostgreSQL from DATABASE_URL, or the local one on 127.0.0.1:5432).
 * BENCH_RUNS calls (default 5) peer to peer, then as many forced through a local coturn with
 * iceTransportPolicy 'relay'; prints every run and the median of each.
 */
import type { Browser } from 'playwright-core';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { findChromium, launchChromium } from '../test/support/browser/chromium.js';
import { findTurnServer, startTurnServer } from '../test/support/browser/coturn.js';
import {
  answerAndTimeVideo,
  endCall,
  openAs,
  PATIENT,
  peerStats,
  placeCall,
  PROVIDER,
} from '../test/support/browser/video-call-driver.js';
import { createBenchDatabase } from './bench-database.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

async function measure(
  browser: Browser,
  env: Record<string, string>,
  label: string,
): Promise<number[]> {
  const database = await createBenchDatabase('web');
  let server: RunningServer | null = null;
  try {
    server = await startServer(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: database.connectionString,
        JWT_SECRET: 'benchmark-secret-that-is-long-enough-for-hs256',
        LOG_LEVEL: 'silent',
        ...env,
      }),
    );
    const clinician = await openAs(browser, server.url, PROVIDER);
    const patient = await openAs(browser, server.url, PATIENT);
    const timings: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      await placeCall(clinician.page, PATIENT);
      const milliseconds = await answerAndTimeVideo(clinician.page, patient.page);
      const { localCandidateType } = await peerStats(patient.page);
      timings.push(milliseconds);
      console.log(
        `${label} run ${run}: ${milliseconds} ms (local candidate ${localCandidateType})`,
      );
      await endCall(clinician.page);
      await patient.page.getByRole('heading', { name: /^Call (completed|ended)/ }).waitFor();
      for (const page of [clinician.page, patient.page]) {
        await page.getByRole('link', { name: 'Back to calls' }).click();
      }
    }
    await clinician.context.close();
    await patient.context.close();
    return timings;
  } finally {
    await server?.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error('Debian chromium is needed: apt-get install -y chromium');
  const browser = await launchChromium(chromiumPath);
  const results: Array<[string, number[]]> = [];
  try {
    results.push(['peer to peer', await measure(browser, {}, 'peer to peer')]);
    const turnBinary = findTurnServer();
    if (turnBinary) {
      const turn = await startTurnServer(turnBinary, 'benchmark-turn-secret');
      try {
        const relayed = await measure(
          browser,
          {
            TURN_URLS: turn.urls.join(','),
            TURN_SECRET: turn.secret,
            ICE_TRANSPORT_POLICY: 'relay',
          },
          'relayed (coturn)',
        );
        results.push(['relayed (coturn)', relayed]);
      } finally {
        await turn.stop();
      }
    } else {
      console.log('coturn not installed: relayed runs skipped (apt-get install -y coturn)');
    }
  } finally {
    await browser.close();
  }
  console.log('\nanswer click -> remote video playing on both sides');
  for (const [label, timings] of results) {
    console.log(
      `  ${label.padEnd(18)} median ${median(timings)} ms over ${timings.length} runs (${timings.join(', ')})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
