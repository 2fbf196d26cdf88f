import type { MemorySample } from './memory-sampling.js';
import { mb } from './number-format.js';

const SHAPE_POINTS = [0.1, 0.3, 0.5, 0.7, 0.9] as const;

/** The first sample taken once `fraction` of the events were done. */
function sampleAt(samples: readonly MemorySample[], fraction: number): MemorySample | undefined {
  return samples.find((sample) => sample.progress >= fraction);
}

/** Memory at 10/30/50/70/90% of the events, to show whether it stays flat. */
export function shape(
  samples: readonly MemorySample[],
  value: (sample: MemorySample) => number,
): string {
  const points = SHAPE_POINTS.map((f) => sampleAt(samples, f));
  if (points.some((point) => point === undefined)) return '-';
  return points.map((point) => mb(value(point as MemorySample)).replace(' MB', '')).join(' / ');
}

const rssBetween = (samples: readonly MemorySample[], from: number, to: number): number[] =>
  samples.filter((s) => s.progress >= from && s.progress <= to).map((s) => s.rss);

/**
 * How much RSS varied between 10% and 90% of the events, over every sample in between: this
 * includes the garbage collector's sawtooth (the heap fills with garbage up to a limit, then is
 * collected), which even the limit's plain loop shows.
 */
export function rssSpread(samples: readonly MemorySample[]): string {
  const between = rssBetween(samples, 0.1, 0.9);
  if (between.length === 0) return '-';
  const low = Math.min(...between);
  const high = Math.max(...between);
  return `${(low / 1048576).toFixed(0)}-${mb(high)} (+${Math.round((100 * (high - low)) / low)}%)`;
}

/**
 * Whether memory grows with the events: the highest RSS between 10% and 50% of them against the
 * highest between 50% and 90%. A leak, or anything that grows with the events, shows as a rise;
 * the sawtooth alone shows about the same peak in both halves.
 */
export function rssGrowth(samples: readonly MemorySample[]): string {
  const first = rssBetween(samples, 0.1, 0.5);
  const second = rssBetween(samples, 0.5, 0.9);
  if (first.length === 0 || second.length === 0) return '-';
  const before = Math.max(...first);
  const after = Math.max(...second);
  const change = Math.round((100 * (after - before)) / before);
  return `${(before / 1048576).toFixed(0)} -> ${mb(after)} (${change >= 0 ? '+' : ''}${change}%)`;
}
