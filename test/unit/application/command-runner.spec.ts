import { ApplicationError } from '../../../src/application/application.errors.js';
import { AccessAudit, accessStreamId } from '../../../src/application/audit/access-audit.js';
import { CallCommands } from '../../../src/application/call/call-commands.js';
import { InitiateCallCommand } from '../../../src/application/call/commands/initiate-call/initiate-call.command.js';
import { InitiateCallHandler } from '../../../src/application/call/commands/initiate-call/initiate-call.handler.js';
import { CommandRunner, decideWith } from '../../../src/application/command-runner.js';
import type {
  CommandMetrics,
  CommandOutcomeLabel,
} from '../../../src/application/ports/command-metrics.port.js';
import type {
  AppendResult,
  EventToAppend,
  ExpectedRevision,
} from '../../../src/application/ports/event-store.port.js';
import type { IdGenerator } from '../../../src/application/ports/id-generator.port.js';
import type {
  DirectoryUser,
  UserDirectory,
} from '../../../src/application/ports/user-directory.port.js';
import type { RequestContext } from '../../../src/application/request-context.js';
import { callStreamId } from '../../../src/domain/call/call.decider.js';
import { CallNotFoundError } from '../../../src/domain/call/call.errors.js';
import {
  callQualityDecider,
  callQualityStreamId,
} from '../../../src/domain/call-quality/call-quality.decider.js';
import type { Actor } from '../../../src/domain/shared/actor.js';
import { InMemoryEventStore } from '../../support/in-memory-event-store.js';
import { ManualClock } from '../../support/manual-clock.js';

const CALL_ID = '7d1f6c2e-0000-4000-8000-000000000001';
const NOW = '2026-05-04T09:00:00.000Z';
const provider: Actor = { userId: 'provider-1', role: 'provider' };
const patient: Actor = { userId: 'patient-1', role: 'patient' };
const stranger: Actor = { userId: 'patient-2', role: 'patient' };
const context: RequestContext = {
  correlationId: 'correlation-1',
  causationId: null,
  origin: { ip: '203.0.113.7', userAgent: 'test-agent' },
};

/** An event store where another writer gets in first, just before the next few appends. */
class ContendedEventStore extends InMemoryEventStore {
  contentions = 0;
  appendCalls = 0;

  override async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.appendCalls += 1;
    if (this.contentions > 0) {
      this.contentions -= 1;
      const [first] = await this.readStream(streamId);
      if (first) {
        // The same consent again: harmless to the call, yet it moves the stream's revision.
        await super.appendToStream(
          streamId,
          [
            {
              ...first,
              eventId: `rival-${this.contentions}`,
              type: 'RecordingConsentGiven',
              data: { userId: 'provider-1', at: NOW },
            },
          ],
          { expectedRevision: 'any' },
        );
      }
    }
    return super.appendToStream(streamId, events, options);
  }
}

class CountingMetrics implements CommandMetrics {
  readonly recorded: Array<{ type: string; outcome: CommandOutcomeLabel }> = [];
  recordCommand(type: string, outcome: CommandOutcomeLabel): void {
    this.recorded.push({ type, outcome });
  }
}

class SequentialIds implements IdGenerator {
  private next = 0;
  newId(): string {
    this.next += 1;
    return `00000000-0000-4000-8000-${String(this.next).padStart(12, '0')}`;
  }
}

const directory: UserDirectory = {
  findById: async (id) =>
    (
      [
        { id: provider.userId, role: 'provider', displayName: 'Dr. Provider' },
        { id: patient.userId, role: 'patient', displayName: 'Pat Patient' },
      ] satisfies DirectoryUser[]
    ).find((user) => user.id === id) ?? null,
  findManyByIds: async () => [],
  findByEmail: async () => null,
  deactivate: async () => null,
  listByRole: async () => ({ users: [], nextCursor: null }),
};

function setUp() {
  const store = new ContendedEventStore();
  const metrics = new CountingMetrics();
  const ids = new SequentialIds();
  const runner = new CommandRunner(store, new ManualClock(new Date(NOW)), ids, metrics);
  const calls = new CallCommands(runner);
  const initiate = new InitiateCallHandler(calls, directory, ids, {
    patientsMayInitiate: false,
    ringTimeoutSeconds: 60,
    reconnectGraceSeconds: 30,
  });
  return { store, metrics, runner, calls, initiate, access: new AccessAudit(runner) };
}

const initiateRequest = {
  patientId: patient.userId,
  providerId: null,
  type: 'VIDEO' as const,
  scheduledAt: null,
  recordingEnabled: true,
  reason: null,
};

async function ringingCall(calls: CallCommands): Promise<void> {
  await calls.execute(
    CALL_ID,
    {
      type: 'InitiateCall',
      data: {
        callId: CALL_ID,
        providerId: provider.userId,
        patientId: patient.userId,
        type: 'VIDEO',
        scheduledAt: null,
        recordingEnabled: true,
        reason: null,
        patientsMayInitiate: false,
      },
    },
    provider,
    context,
  );
}

function refusal(promise: Promise<unknown>): Promise<ApplicationError> {
  return promise.then(
    () => {
      throw new Error('expected the command to be refused');
    },
    (error: unknown) => error as ApplicationError,
  );
}

describe('CommandRunner', () => {
  describe('load -> decide -> append', () => {
    it('appends the decision with the revision it read as the expected revision', async () => {
      const { store, calls } = setUp();
      await ringingCall(calls);

      const result = await calls.execute(
        CALL_ID,
        { type: 'AnswerCall', data: {} },
        patient,
        context,
      );

      expect(result.newEvents.map((event) => event.type)).toEqual(['CallAnswered']);
      expect(result.revision).toBe(1);
      expect(result.state.status).toBe('IN_PROGRESS');
      const stream = await store.readStream(callStreamId(CALL_ID));
      expect(stream.map((event) => event.type)).toEqual(['CallInitiated', 'CallAnswered']);
      expect(result.position).toBe(stream[1]!.position);
    });

    it('appends nothing for a decision without events, and counts it as no change', async () => {
      const { store, calls, metrics } = setUp();
      await ringingCall(calls);
      await calls.execute(CALL_ID, { type: 'GiveRecordingConsent', data: {} }, patient, context);
      store.appendCalls = 0;

      const repeat = await calls.execute(
        CALL_ID,
        { type: 'GiveRecordingConsent', data: {} },
        patient,
        context,
      );

      expect(repeat.newEvents).toEqual([]);
      expect(repeat.revision).toBe(1);
      expect(store.appendCalls).toBe(0);
      expect(metrics.recorded.at(-1)).toEqual({
        type: 'GiveRecordingConsent',
        outcome: 'no_change',
      });
    });

    it('tells a stranger the call does not exist, before deciding anything', async () => {
      const { calls, metrics } = setUp();
      await ringingCall(calls);

      const error = await refusal(
        calls.execute(CALL_ID, { type: 'AnswerCall', data: {} }, stranger, context),
      );

      expect(error).toBeInstanceOf(CallNotFoundError);
      expect(metrics.recorded.at(-1)).toEqual({ type: 'AnswerCall', outcome: 'rejected' });
    });
  });

  describe('given a concurrent writer', () => {
    it('decides again on the new state once, and succeeds', async () => {
      const { store, calls } = setUp();
      await ringingCall(calls);
      store.contentions = 1;
      store.appendCalls = 0;

      const result = await calls.execute(
        CALL_ID,
        { type: 'AnswerCall', data: {} },
        patient,
        context,
      );

      expect(store.appendCalls).toBe(2);
      expect(result.revision).toBe(2);
      expect((await store.readStream(callStreamId(CALL_ID))).map((event) => event.type)).toEqual([
        'CallInitiated',
        'RecordingConsentGiven',
        'CallAnswered',
      ]);
    });

    it('gives up after the retry with LEDGER.CONCURRENT_MODIFICATION', async () => {
      const { store, calls, metrics } = setUp();
      await ringingCall(calls);
      store.contentions = 2;
      store.appendCalls = 0;

      const error = await refusal(
        calls.execute(CALL_ID, { type: 'AnswerCall', data: {} }, patient, context),
      );

      expect(error).toBeInstanceOf(ApplicationError);
      expect(error).toMatchObject({ code: 'LEDGER.CONCURRENT_MODIFICATION', kind: 'conflict' });
      expect(store.appendCalls).toBe(2);
      expect(metrics.recorded.at(-1)).toEqual({ type: 'AnswerCall', outcome: 'conflict' });
    });
  });

  describe('given If-Match (an expected revision)', () => {
    it('refuses a stale revision with a failed precondition, appending nothing', async () => {
      const { store, calls } = setUp();
      await ringingCall(calls);
      store.appendCalls = 0;

      const error = await refusal(
        calls.execute(CALL_ID, { type: 'AnswerCall', data: {} }, patient, {
          ...context,
          expectedRevision: 5,
        }),
      );

      expect(error).toMatchObject({
        code: 'LEDGER.REVISION_MISMATCH',
        kind: 'precondition_failed',
        details: { expectedRevision: 5, actualRevision: 0 },
      });
      expect(store.appendCalls).toBe(0);
    });

    it('does not retry when a concurrent writer moved the pinned revision', async () => {
      const { store, calls } = setUp();
      await ringingCall(calls);
      store.contentions = 1;
      store.appendCalls = 0;

      const error = await refusal(
        calls.execute(CALL_ID, { type: 'AnswerCall', data: {} }, patient, {
          ...context,
          expectedRevision: 0,
        }),
      );

      expect(error).toMatchObject({
        code: 'LEDGER.REVISION_MISMATCH',
        details: { expectedRevision: 0, actualRevision: 1 },
      });
      expect(store.appendCalls).toBe(1);
    });

    it('appends when the pinned revision is the current one', async () => {
      const { calls } = setUp();
      await ringingCall(calls);

      const result = await calls.execute(CALL_ID, { type: 'AnswerCall', data: {} }, patient, {
        ...context,
        expectedRevision: 0,
      });

      expect(result.revision).toBe(1);
    });
  });

  describe('event metadata', () => {
    it('is built once, the same shape for call, quality and access streams', async () => {
      const { store, calls, runner, access } = setUp();
      await ringingCall(calls);
      await runner.run(
        callQualityDecider,
        callQualityStreamId(CALL_ID),
        decideWith(callQualityDecider, {
          type: 'RecordQualitySample',
          data: {
            callId: CALL_ID,
            rttMs: 80,
            jitterMs: 5,
            packetLossPct: 0,
            bitrateKbps: null,
            candidateType: null,
            connectionState: null,
          },
        }),
        provider,
        context,
      );
      await access.record({ callId: CALL_ID, actor: provider, context }, 'CallDetailsRead', {
        view: 'details',
      });

      const streams = [
        callStreamId(CALL_ID),
        callQualityStreamId(CALL_ID),
        accessStreamId(CALL_ID),
      ];
      for (const streamId of streams) {
        const [event] = await store.readStream(streamId);
        const { hash: _hash, previousHash: _previousHash, ...metadata } = event!.metadata;
        expect(metadata).toEqual({
          actor: provider,
          occurredAt: NOW,
          correlationId: 'correlation-1',
          causationId: null,
          origin: { ip: '203.0.113.7', userAgent: 'test-agent' },
        });
      }
    });

    it('leaves the origin out when the request has none', async () => {
      const { store, calls } = setUp();
      await calls.execute(
        CALL_ID,
        {
          type: 'InitiateCall',
          data: {
            callId: CALL_ID,
            providerId: provider.userId,
            patientId: patient.userId,
            type: 'AUDIO',
            scheduledAt: null,
            recordingEnabled: false,
            reason: null,
            patientsMayInitiate: false,
          },
        },
        provider,
        { correlationId: 'timer-1', causationId: null },
      );

      const [event] = await store.readStream(callStreamId(CALL_ID));
      expect(event!.metadata).not.toHaveProperty('origin');
    });
  });

  describe('InitiateCall with an Idempotency-Key', () => {
    it('answers a replay with the call it created, appending nothing more', async () => {
      const { store, initiate } = setUp();
      const command = () =>
        new InitiateCallCommand(provider, context, initiateRequest, 'booking-42');

      const first = await initiate.execute(command());
      const replay = await initiate.execute(command());

      expect(first.replayed).toBe(false);
      expect(replay.replayed).toBe(true);
      expect(replay.newEvents).toEqual([]);
      expect(replay.revision).toBe(first.revision);
      expect(replay.state).toEqual(first.state);
      const callId = first.state.status === 'NONE' ? '' : first.state.callId;
      expect(await store.readStream(callStreamId(callId))).toHaveLength(1);
    });

    it('starts a new call for another key', async () => {
      const { initiate } = setUp();

      const first = await initiate.execute(
        new InitiateCallCommand(provider, context, initiateRequest, 'booking-42'),
      );
      const other = await initiate.execute(
        new InitiateCallCommand(provider, context, initiateRequest, 'booking-43'),
      );

      expect(other.replayed).toBe(false);
      expect(other.state).not.toEqual(first.state);
    });
  });
});
