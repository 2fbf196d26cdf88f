import type { SeededRandom } from './seeded-random.js';

/**
 * The moments at which things happen during a call, in time order: each a random step after the
 * one before, and always a second before the call's end.
 */
export class CallTimeline {
  private cursor: number;

  constructor(
    private readonly random: SeededRandom,
    from: number,
    private readonly end: number,
  ) {
    this.cursor = from;
  }

  next(): number {
    this.cursor += Math.max(1000, Math.floor((this.end - this.cursor) * 0.2 * this.random.next()));
    return Math.min(this.cursor, this.end - 1000);
  }

  /** Nothing later happens before `at` (it ended something that took a while). */
  notBefore(at: number): void {
    this.cursor = Math.max(this.cursor, at);
  }
}
