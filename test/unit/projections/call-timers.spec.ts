import { parseCallEvent } from '../../../src/domain/call/parse-call-event.js';
import { parseCallQualityEvent } from '../../../src/domain/call-quality/parse-call-quality-event.js';
import {
  callTimersProjection,
  qualityTimersFor,
  timersFor,
  type CallTimerSettings,
} from '../../../src/projections/call-timers.projection.js';
import type { NewTimer } from '../../../src/application/ports/timer-store.port.js';
import type { RecordedEvent } from '../../../src/application/ports/event-store.port.js';
import type { Projection } from '../../../src/projections/projection.js';
import { CallScript, PATIENT, PROVIDER, TestLedger, at } from './projection-fixtures.js';

const settings: CallTimerSettings = {
  ringTimeoutSeconds: 45,
  reconnectGraceSeconds: 30,
  recordingUploadTimeoutSeconds: 600,
};
const RECORDING = '00000000-0000-4000-8000-0000000000e1';

const timers = (event: RecordedEvent): NewTimer[] =>
  timersFor(event, parseCallEvent(event), settings);

describe('call timers: the durable timers each call event starts', () => {
  it('a ringing call times out; a scheduled one only once it starts ringing', () => {
    const ledger = new TestLedger();
    const ringing = new CallScript(ledger);
    const initiated = ringing.initiated(10);
    expect(timers(initiated)).toEqual([
      {
        id: `ring-timeout:${initiated.eventId}`,
        kind: 'ring-timeout',
        streamId: ringing.stream,
        payload: { callId: ringing.callId, ringTimeoutSeconds: 45 },
        dueAt: new Date(at(55)),
      },
    ]);
    const scheduled = new CallScript(ledger);
    const initiatedScheduled = scheduled.initiated(0, 'SCHEDULED');
    // Rings at its time (fixtures schedule an hour ahead); no ring timeout before it rings.
    expect(timers(initiatedScheduled)).toEqual([
      {
        id: `scheduled-ring:${initiatedScheduled.eventId}`,
        kind: 'scheduled-ring',
        streamId: scheduled.stream,
        payload: { callId: scheduled.callId, scheduledAt: at(3600) },
        dueAt: new Date(at(3600)),
      },
    ]);
    const rings = scheduled.event('CallRingingStarted', { at: at(100) }, 100);
    expect(timers(rings)).toMatchObject([{ kind: 'ring-timeout', dueAt: new Date(at(145)) }]);
  });

  it('a dropped connection has its reconnect grace', () => {
    const call = new CallScript(new TestLedger());
    const dropped = call.event('ParticipantDisconnected', { userId: PATIENT, at: at(5) }, 5);
    expect(timers(dropped)).toEqual([
      {
        id: `reconnect-grace:${dropped.eventId}`,
        kind: 'reconnect-grace',
        streamId: call.stream,
        payload: { callId: call.callId, userId: PATIENT, reconnectGraceSeconds: 30 },
        dueAt: new Date(at(35)),
      },
    ]);
  });

  it('a stopped recording waits for its upload; an uploaded one for its retention', () => {
    const call = new CallScript(new TestLedger());
    const stopped = call.event(
      'RecordingStopped',
      {
        recordingId: RECORDING,
        stoppedBy: PROVIDER,
        reason: 'stopped_by_user',
        at: at(60),
        durationSeconds: 60,
      },
      60,
    );
    expect(timers(stopped)).toMatchObject([
      {
        kind: 'recording-upload-timeout',
        payload: { callId: call.callId, recordingId: RECORDING },
        dueAt: new Date(at(660)),
      },
    ]);
    const uploaded = call.event(
      'RecordingUploaded',
      {
        recordingId: RECORDING,
        sizeBytes: 10,
        sha256: 'ab',
        storageKey: 'k',
        keyId: 'key',
        contentType: 'video/webm',
        expiresAt: '2032-01-01T00:00:00.000Z',
        at: at(70),
      },
      70,
    );
    expect(timers(uploaded)).toMatchObject([
      {
        id: `recording-retention:${uploaded.eventId}`,
        kind: 'recording-retention',
        dueAt: new Date('2032-01-01T00:00:00.000Z'),
      },
    ]);
    const released = call.event(
      'RecordingLegalHoldReleased',
      { recordingId: RECORDING, at: at(80) },
      80,
    );
    expect(timers(released)).toMatchObject([
      { kind: 'recording-retention', dueAt: new Date(at(80)) },
    ]);
  });

  it('other events start nothing', () => {
    const call = new CallScript(new TestLedger());
    expect(
      timers(call.event('CallAnswered', { answeredBy: PATIENT, startedAt: at(3) }, 3)),
    ).toEqual([]);
    expect(timers(call.joined(PROVIDER, 4))).toEqual([]);
  });

  it('a report of a failed peer connection is looked at again when the grace has passed', () => {
    const call = new CallScript(new TestLedger());
    const failed = call.quality(5, { connectionState: 'failed' });
    expect(qualityTimersFor(failed, parseCallQualityEvent(failed), settings)).toEqual([
      {
        id: `connection-failure:${failed.eventId}`,
        kind: 'connection-failure',
        streamId: `callquality-${call.callId}`,
        payload: { callId: call.callId, userId: PATIENT, failedAt: at(5) },
        dueAt: new Date(at(35)),
      },
    ]);
    for (const connectionState of ['connected', 'disconnected', 'checking', null]) {
      const sample = call.quality(6, { connectionState });
      expect(qualityTimersFor(sample, parseCallQualityEvent(sample), settings)).toEqual([]);
    }
  });

  it('the projection hands every timer to the scheduler it was given, and refuses unknown events', async () => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    const scheduled: NewTimer[] = [];
    const projection = callTimersProjection(settings, async (_trx, timer) => {
      scheduled.push(timer);
    });
    const trx = {} as Parameters<Projection['apply']>[0];
    await projection.apply(trx, [
      call.initiated(0),
      call.event('ParticipantDisconnected', { userId: PATIENT, at: at(5) }, 5),
      call.quality(6, { connectionState: 'failed' }),
      call.quality(7, { connectionState: 'connected' }),
    ]);
    expect(scheduled.map((timer) => timer.kind)).toEqual([
      'ring-timeout',
      'reconnect-grace',
      'connection-failure',
    ]);
    await expect(projection.apply(trx, [call.event('CallTeleported', {}, 6)])).rejects.toThrow(
      'CallTeleported is not a call event',
    );
  });
});
