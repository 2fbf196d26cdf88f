import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '../../src/application/ports/event-store.port.js';
import {
  LedgerNotifier,
  NotificationFailedError,
} from '../../src/application/signaling/ledger-notifier.js';
import type {
  NotificationEvent,
  SignalingEmitter,
} from '../../src/application/signaling/signaling-emitter.port.js';
import type { CallEvent } from '../../src/domain/call/call.events.js';
import type { JsonObject } from '../../src/domain/shared/event.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import {
  callAnswered,
  callEnded,
  callInitiated,
  PATIENT_ID,
  PROVIDER_ID,
  provider,
} from '../unit/call/call.fixtures.js';

/** Free text a participant typed: it must never reach a log line. */
const PRIVATE_REASON = 'patient felt dizzy after the new dose';

interface Sent {
  readonly event: NotificationEvent;
  readonly payload: JsonObject;
}

/** Records what goes out; the next `failures` emissions of `failing` throw, quoting the payload. */
function recordingEmitter(failing: NotificationEvent, failures: number) {
  const sent: Sent[] = [];
  let failed = 0;
  const emitter: SignalingEmitter = {
    emit(_target, event, payload) {
      if (event === failing && failed < failures) {
        failed++;
        throw new Error(`socket refused ${JSON.stringify(payload)}`);
      }
      sent.push({ event, payload });
    },
    leaveCall: () => undefined,
  };
  return { emitter, sent };
}

function recordingLogger() {
  const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  return {
    lines,
    warn(message: string, fields?: Record<string, unknown>) {
      lines.push({ message, ...(fields ? { fields } : {}) });
    },
  };
}

function toAppend(event: CallEvent): EventToAppend {
  return {
    eventId: randomUUID(),
    type: event.type,
    version: 1,
    data: event.data as unknown as JsonObject,
    metadata: {
      actor: provider,
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
    },
  };
}

describe('LedgerNotifier on the PostgreSQL ledger', () => {
  let ledger: PostgresLedger;

  beforeAll(async () => {
    ledger = await createPostgresLedger();
  });
  afterAll(async () => {
    await ledger.cleanup();
  });

  /** A call rung, answered and ended with a private reason; its recorded events. */
  async function endedCall() {
    const callId = randomUUID();
    const streamId = `call-${callId}`;
    await ledger.store.appendToStream(
      streamId,
      [
        callInitiated({ callId }),
        callAnswered(),
        callEnded(undefined, 600, PROVIDER_ID, PRIVATE_REASON),
      ].map(toAppend),
      { expectedRevision: 'no_stream' },
    );
    return ledger.store.readStream(streamId);
  }

  it('retries an event whose notification failed, in place, and goes on in order', async () => {
    const events = await endedCall();
    const { emitter, sent } = recordingEmitter('call-ended', 2);
    const logger = recordingLogger();
    const notifier = new LedgerNotifier(ledger.store, emitter, logger, {
      attempts: 3,
      firstRetryMs: 1,
    });

    await notifier.notify(events);

    expect(sent.map(({ event }) => event)).toEqual([
      'incoming-call',
      'call-answered',
      'call-ended',
    ]);
    expect(sent.map(({ payload }) => payload['eventId'])).toEqual(
      events.map((event) => event.eventId),
    );
    const ended = events[2];
    expect(logger.lines.map(({ fields }) => fields)).toEqual([
      { eventId: ended?.eventId, eventType: 'CallEnded', attempt: 1, error: 'Error' },
      { eventId: ended?.eventId, eventType: 'CallEnded', attempt: 2, error: 'Error' },
    ]);
  });

  it('gives up a batch after its attempts without skipping, and resends nothing it had sent', async () => {
    const events = await endedCall();
    const { emitter, sent } = recordingEmitter('call-ended', 4);
    const logger = recordingLogger();
    const notifier = new LedgerNotifier(ledger.store, emitter, logger, {
      attempts: 3,
      firstRetryMs: 1,
    });

    const ended = events[2];
    await expect(notifier.notify(events)).rejects.toEqual(
      new NotificationFailedError(ended?.eventId ?? '', 'CallEnded'),
    );
    expect(sent.map(({ event }) => event)).toEqual(['incoming-call', 'call-answered']);

    // Delivered again from the checkpoint: only what is still owed goes out.
    notifier.forget();
    await notifier.notify(events);
    expect(sent.map(({ event }) => event)).toEqual([
      'incoming-call',
      'call-answered',
      'call-ended',
    ]);
    expect(sent[2]?.payload).toMatchObject({ eventId: ended?.eventId, reason: PRIVATE_REASON });
    expect(logger.lines).toHaveLength(4);
  });

  it('logs events by id and type only: no free text, no user', async () => {
    const events = await endedCall();
    const { emitter } = recordingEmitter('call-ended', 10);
    const logger = recordingLogger();
    const notifier = new LedgerNotifier(ledger.store, emitter, logger, {
      attempts: 2,
      firstRetryMs: 1,
    });

    const failure = await notifier.notify(events).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotificationFailedError);
    const written = JSON.stringify([logger.lines, (failure as Error).message]);
    for (const secret of [PRIVATE_REASON, PATIENT_ID, PROVIDER_ID, 'socket refused']) {
      expect(written).not.toContain(secret);
    }
  });
});
