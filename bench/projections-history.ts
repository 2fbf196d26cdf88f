import type { Actor } from '../src/domain/shared/actor.js';
import { maybeAuditorRead } from './history-access.js';
import { newCall } from './history-call.js';
import type { Commit } from './history-commits.js';
import { changeMedia, maybeDegradeQuality, maybeDropAndReconnect } from './history-during-call.js';
import { endCall, failAtEnd } from './history-ending.js';
import { sampleQuality } from './history-quality.js';
import { maybeRecord } from './history-recording.js';
import { ring } from './history-ringing.js';
import { CallTimeline } from './history-timeline.js';
import { SeededRandom } from './seeded-random.js';

// The projection tests write a history through these, next to the generator they come with.
export { appendCommits, insertCommits, type Commit } from './history-commits.js';

/*
 * A realistic, deterministic call history for the projection benchmark and tests: calls that ring,
 * get answered, missed, declined, cancelled or fail; participants that join, drop and come back;
 * media changes, consent, recordings (started, stopped, uploaded or failed), quality samples in
 * `callquality-<id>` streams, quality warnings, and auditor reads in `access-<id>` streams. Event
 * shapes and orders follow the call decider (e.g. a call's end: running recording stopped, the
 * terminal event, then everyone still present leaves).
 *
 * Calls are generated in windows of overlapping calls whose events are interleaved by time, as
 * the feed of a busy service interleaves them; memory stays flat however many calls are made.
 */

export interface HistoryOptions {
  readonly calls: number;
  readonly seed?: number;
  /** Initiation time of the first call. */
  readonly start?: Date;
  /** Average seconds between two initiations. Default 20. */
  readonly spacingSeconds?: number;
  readonly providers?: number;
  readonly patients?: number;
  /** Calls whose events are interleaved with each other. Default 500. */
  readonly windowCalls?: number;
}

export interface HistoryCounts {
  calls: number;
  events: number;
  qualitySamples: number;
}

export class CallHistory {
  readonly counts: HistoryCounts = { calls: 0, events: 0, qualitySamples: 0 };
  private readonly random: SeededRandom;
  private readonly providers: string[];
  private readonly patients: string[];
  private readonly auditor: Actor;
  private readonly spacingMs: number;
  private readonly windowCalls: number;
  private clock: number;

  constructor(private readonly options: HistoryOptions) {
    this.random = new SeededRandom(options.seed ?? 42);
    this.providers = Array.from({ length: options.providers ?? 200 }, () => this.random.uuid());
    this.patients = Array.from({ length: options.patients ?? 20_000 }, () => this.random.uuid());
    this.auditor = { userId: this.random.uuid(), role: 'auditor' };
    this.spacingMs = (options.spacingSeconds ?? 20) * 1000;
    this.windowCalls = options.windowCalls ?? 500;
    this.clock = (options.start ?? new Date('2025-01-06T08:00:00.000Z')).getTime();
  }

  /** The providers the calls are spread over (the first is the busiest: a quarter of all calls). */
  get providerIds(): readonly string[] {
    return this.providers;
  }

  /** Windows of interleaved commits, oldest first. */
  *windows(): Generator<Commit[]> {
    let remaining = this.options.calls;
    while (remaining > 0) {
      const size = Math.min(this.windowCalls, remaining);
      remaining -= size;
      const commits: Commit[] = [];
      for (let i = 0; i < size; i += 1) {
        this.clock += Math.floor(this.spacingMs * (0.5 + this.random.next()));
        this.call(this.clock, commits);
      }
      commits.sort((a, b) => a.at - b.at);
      for (const commit of commits) this.counts.events += commit.events.length;
      yield commits;
    }
  }

  /** One call's whole life from its initiation at `t0`, in the order its events happen. */
  private call(t0: number, out: Commit[]): void {
    this.counts.calls += 1;
    const call = newCall(this.random, this.providers, this.patients, out);
    const ringing = ring(call, t0);
    if (ringing.outcome === 'cancelled-before-ringing') return;
    if (ringing.outcome === 'unanswered') {
      maybeAuditorRead(this.random, this.auditor, call.callId, ringing.at, out);
      return;
    }
    const { startedAt } = ringing;
    const end = startedAt + this.random.between(120, 2400) * 1000;
    this.counts.qualitySamples += sampleQuality(call, ringing.at, end);
    const timeline = new CallTimeline(this.random, ringing.at, end);
    changeMedia(call, timeline);
    const recording = maybeRecord(call, timeline);
    if (recording) {
      // Still running at the end: the call's end stops it.
      endCall(call, startedAt, end, recording);
    } else {
      maybeDropAndReconnect(call, timeline);
      maybeDegradeQuality(call, timeline);
      if (this.random.chance(0.02)) failAtEnd(call, end);
      else endCall(call, startedAt, end, null);
    }
    maybeAuditorRead(this.random, this.auditor, call.callId, end, out);
  }
}
