import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');

/** A lock older than any build is left over from a run that was killed while building. */
const STALE_LOCK_MS = 180_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function removeIfStale(lock: string): void {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true });
  } catch {
    // Released meanwhile.
  }
}

/**
 * Builds the server and CLI into dist/ (`tsc -p tsconfig.build.json`) once per test run, however
 * many test files of how many workers ask: two compilers writing dist/ at once would let a child
 * process start from a half-written file. The first asker builds under a lock directory; the
 * others wait for the run's marker.
 */
export async function buildOnce(): Promise<void> {
  const runId = process.env.TEST_RUN_PREFIX ?? `pid-${process.ppid}`;
  const marker = path.join(DIST, `.built-${runId}`);
  const lock = path.join(DIST, '.build-lock');
  mkdirSync(DIST, { recursive: true });
  for (;;) {
    if (existsSync(marker)) return;
    try {
      mkdirSync(lock);
    } catch {
      removeIfStale(lock);
      await sleep(200);
      continue;
    }
    try {
      if (!existsSync(marker)) {
        await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
        writeFileSync(marker, '');
      }
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
