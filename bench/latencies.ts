/** The latency at percentile `p` (0-100] of `sorted`, smallest first; NaN when there is none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** Runs `workers` loops of `step` until `durationMs` passes; returns per-step latencies (ms). */
export async function runLoad(
  workers: number,
  durationMs: number,
  step: (worker: number, iteration: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let iteration = 0; performance.now() < deadline; iteration++) {
        const before = performance.now();
        await step(worker, iteration);
        latencies.push(performance.now() - before);
      }
    }),
  );
  return {
    latencies: latencies.sort((a, b) => a - b),
    seconds: (performance.now() - started) / 1000,
  };
}
