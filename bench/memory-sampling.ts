/** One memory sample, with how far through the events the run was (0..1) when it was taken. */
export interface MemorySample {
  readonly progress: number;
  readonly rss: number;
  readonly heapUsed: number;
}

/** What `withRss` measured of one run, and the run's result. */
export interface Measured<T> {
  readonly result: T;
  readonly seconds: number;
  readonly peakRss: number;
  readonly startRss: number;
  readonly samples: MemorySample[];
  readonly cpuSeconds: number;
}

/**
 * Samples memory every 100 ms while `work` runs. `progress` says how far through the events the
 * work is, so that memory can be reported at fractions of the events (not of the wall time, which
 * for a rebuild also covers building indexes after the last event).
 */
export async function withRss<T>(
  work: () => Promise<T>,
  progress: () => number,
): Promise<Measured<T>> {
  const samples: MemorySample[] = [];
  const cpu = process.cpuUsage();
  const startRss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    samples.push({ progress: progress(), rss: memory.rss, heapUsed: memory.heapUsed });
  }, 100);
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    const memory = process.memoryUsage();
    samples.push({ progress: progress(), rss: memory.rss, heapUsed: memory.heapUsed });
    const used = process.cpuUsage(cpu);
    return {
      result,
      seconds,
      peakRss: Math.max(startRss, ...samples.map((sample) => sample.rss)),
      startRss,
      samples,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  } finally {
    clearInterval(timer);
  }
}
