import { randomUUID } from 'node:crypto';
import { CallCommands } from '../../src/application/call/call-commands.js';
import { RecordConnectionQualityCommand } from '../../src/application/call/commands/record-connection-quality/record-connection-quality.command.js';
import { RecordConnectionQualityHandler } from '../../src/application/call/commands/record-connection-quality/record-connection-quality.handler.js';
import { CommandRunner } from '../../src/application/command-runner.js';
import type { CommandMetrics } from '../../src/application/ports/command-metrics.port.js';
import type {
  EventStore,
  ReadStreamOptions,
  RecordedEvent,
} from '../../src/application/ports/event-store.port.js';
import type { RequestContext } from '../../src/application/request-context.js';
import { callQualityStreamId } from '../../src/domain/call-quality/call-quality.decider.js';
import { QualitySampleTooFrequentError } from '../../src/domain/call-quality/call-quality.errors.js';
import { SAMPLE_BUDGET } from '../../src/domain/call-quality/call-quality.values.js';
import type { Actor } from '../../src/domain/shared/actor.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { ManualClock } from '../support/manual-clock.js';

/*
 * A connection-quality report must cost what it adds, not what the call already holds: the
 * events the ledger hands back per report are counted (not timed) as the call grows.
 */

const INTERVAL_SECONDS = 10;
const provider: Actor = { userId: randomUUID(), role: 'provider' };
const patient: Actor = { userId: randomUUID(), role: 'patient' };
const context: RequestContext = { correlationId: 'correlation-1', causationId: null };
const GOOD_LINK = {
  rttMs: 60,
  jitterMs: 3,
  packetLossPct: 0.2,
  bitrateKbps: 1800,
  candidateType: null,
  connectionState: null,
};

const LINK_UP = { ...GOOD_LINK, connectionState: 'connected' as const };

/** The store, with a tally of the events each readStream returned. */
class CountingEventStore {
  eventsRead = 0;
  readonly store: EventStore;

  constructor(inner: EventStore) {
    this.store = new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property !== 'readStream') {
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> => {
          const events = await target.readStream(streamId, options);
          this.eventsRead += events.length;
          return events;
        };
      },
    });
  }
}

const noMetrics: CommandMetrics = { recordCommand: () => undefined };

describe('connection-quality reports on a long call', () => {
  let ledger: PostgresLedger;

  beforeAll(async () => {
    ledger = await createPostgresLedger();
  }, 60_000);
  afterAll(async () => {
    await ledger.cleanup();
  });

  /** One instance of the server: its own runner and handler (hence its own cached states). */
  function instance(counting: CountingEventStore, clock: ManualClock) {
    const runner = new CommandRunner(
      counting.store,
      clock,
      { newId: () => randomUUID() },
      noMetrics,
    );
    const calls = new CallCommands(runner);
    const handler = new RecordConnectionQualityHandler(calls, runner, clock);
    const report = (actor: Actor, link: typeof GOOD_LINK | typeof LINK_UP = GOOD_LINK) =>
      handler.execute(
        new RecordConnectionQualityCommand(callId, actor, context, link, INTERVAL_SECONDS),
      );
    return { calls, report };
  }

  let callId: string;
  let clock: ManualClock;

  beforeEach(async () => {
    callId = randomUUID();
    // The ledger refuses instants far from its own clock: two hours back leaves room to advance.
    clock = new ManualClock(new Date(Date.now() - 2 * 3600_000));
    const { calls } = instance(new CountingEventStore(ledger.store), clock);
    await calls.execute(
      callId,
      {
        type: 'InitiateCall',
        data: {
          callId,
          providerId: provider.userId,
          patientId: patient.userId,
          type: 'VIDEO',
          scheduledAt: null,
          recordingEnabled: false,
          reason: null,
          patientsMayInitiate: false,
        },
      },
      provider,
      context,
    );
    await calls.execute(callId, { type: 'AnswerCall', data: {} }, patient, context);
    for (const actor of [provider, patient]) {
      await calls.execute(callId, { type: 'JoinCall', data: {} }, actor, context);
    }
    // The patient stays JOINING until a report says their link is up.
    await calls.execute(callId, { type: 'MarkParticipantConnected', data: {} }, provider, context);
  });

  it('reads a bounded number of events per report however many samples the call holds', async () => {
    const counting = new CountingEventStore(ledger.store);
    const server = instance(counting, clock);
    const readsPerReport: number[] = [];
    for (let sample = 0; sample < 150; sample++) {
      clock.advanceSeconds(INTERVAL_SECONDS);
      const before = counting.eventsRead;
      await server.report(sample % 2 === 0 ? patient : provider);
      readsPerReport.push(counting.eventsRead - before);
    }
    const samples = await ledger.store.readStream(callQualityStreamId(callId));
    expect(samples).toHaveLength(150);
    // The first report folds both streams once; from then on a report reads what it appended.
    expect(Math.max(...readsPerReport.slice(1))).toBeLessThanOrEqual(1);
    expect(readsPerReport.slice(10, 20)).toEqual(readsPerReport.slice(140, 150));

    // Another instance (or this one after a restart) folds the streams once, then is as cheap.
    const restarted = new CountingEventStore(ledger.store);
    const other = instance(restarted, clock);
    clock.advanceSeconds(INTERVAL_SECONDS);
    await other.report(patient);
    expect(restarted.eventsRead).toBeGreaterThanOrEqual(150);
    const afterFold = restarted.eventsRead;
    clock.advanceSeconds(INTERVAL_SECONDS);
    await other.report(patient);
    expect(restarted.eventsRead - afterFold).toBeLessThanOrEqual(1);

    // The first instance catches up on the other's samples by reading just those.
    clock.advanceSeconds(INTERVAL_SECONDS);
    const before = counting.eventsRead;
    await server.report(provider);
    expect(counting.eventsRead - before).toBe(3);
    expect(await ledger.store.readStream(callQualityStreamId(callId))).toHaveLength(153);
  });

  it('keeps at most one sample per reporting interval on average, refusing the rest', async () => {
    const counting = new CountingEventStore(ledger.store);
    const server = instance(counting, clock);
    // A burst fills the budget (a link-up report, a report asked for, a timer running early)...
    for (let sample = 0; sample < SAMPLE_BUDGET.samples; sample++) {
      clock.advanceSeconds(0.1);
      await server.report(patient);
    }
    // ...and then a flood is refused without appending anything, and without reading anything
    // but the last sample kept (the cache learns a stream's events by reading them).
    const readBefore = counting.eventsRead;
    for (let flood = 0; flood < 50; flood++) {
      clock.advanceSeconds(0.02);
      await expect(server.report(patient)).rejects.toBeInstanceOf(QualitySampleTooFrequentError);
    }
    expect(counting.eventsRead - readBefore).toBe(1);
    // The other participant's budget is their own.
    await server.report(provider);

    // Another instance decides on the ledger, not on what it has seen: still refused.
    const other = instance(new CountingEventStore(ledger.store), clock);
    await expect(other.report(patient)).rejects.toBeInstanceOf(QualitySampleTooFrequentError);

    // Once the oldest sample of the budget is as many intervals old, one more is kept.
    clock.advanceSeconds(SAMPLE_BUDGET.samples * INTERVAL_SECONDS - 1.5);
    await expect(server.report(patient)).rejects.toBeInstanceOf(QualitySampleTooFrequentError);
    clock.advanceSeconds(0.5);
    await server.report(patient);

    const samples = await ledger.store.readStream(callQualityStreamId(callId));
    expect(samples.map((event) => event.data['userId'])).toEqual([
      ...Array<string>(SAMPLE_BUDGET.samples).fill(patient.userId),
      provider.userId,
      patient.userId,
    ]);
  });

  it('makes a JOINING participant CONNECTED when their link comes up, even beyond the budget', async () => {
    const server = instance(new CountingEventStore(ledger.store), clock);
    for (let sample = 0; sample < SAMPLE_BUDGET.samples; sample++) {
      clock.advanceSeconds(0.1);
      await server.report(patient);
    }
    clock.advanceSeconds(0.1);
    await expect(server.report(patient, LINK_UP)).rejects.toBeInstanceOf(
      QualitySampleTooFrequentError,
    );
    const { state } = await server.calls.load(callId);
    expect(state.status === 'IN_PROGRESS' && state.participants[patient.userId]?.status).toBe(
      'CONNECTED',
    );
    expect(await ledger.store.readStream(callQualityStreamId(callId))).toHaveLength(
      SAMPLE_BUDGET.samples,
    );
  });
});
