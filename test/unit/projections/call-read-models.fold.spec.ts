import type { RecordedEvent } from '../../../src/application/ports/event-store.port.js';
import {
  foldCallReadModels,
  participantKey,
  rowsToLoad,
} from '../../../src/projections/call-read-models.fold.js';
import type {
  CallRow,
  DailyStatsDelta,
  ParticipantRow,
  QualitySampleRow,
  RecordingRow,
} from '../../../src/projections/read-model-rows.js';
import { CallScript, PATIENT, PROVIDER, TestLedger, at } from './projection-fixtures.js';

/** What the tables would hold: the fold's changes written batch after batch. */
class Tables {
  readonly calls = new Map<string, CallRow>();
  readonly participants = new Map<string, ParticipantRow>();
  readonly recordings = new Map<string, RecordingRow>();
  readonly samples = new Map<string, QualitySampleRow>();
  readonly daily = new Map<string, DailyStatsDelta>();

  apply(events: readonly RecordedEvent[]): void {
    const changes = foldCallReadModels(
      { calls: this.calls, participants: this.participants, recordings: this.recordings },
      events,
    );
    for (const row of changes.calls) this.calls.set(row.id, row);
    for (const row of changes.participants) {
      this.participants.set(participantKey(row.call_id, row.user_id), row);
    }
    for (const row of changes.recordings) this.recordings.set(row.id, row);
    for (const row of changes.qualitySamples) {
      if (!this.samples.has(row.event_id)) this.samples.set(row.event_id, row);
    }
    for (const delta of changes.dailyStats) {
      const key = `${delta.day}/${delta.provider_id}`;
      const sum = this.daily.get(key);
      if (!sum) this.daily.set(key, { ...delta });
      else {
        for (const [column, value] of Object.entries(delta)) {
          const record = sum as unknown as Record<string, number>;
          if (typeof value === 'number') record[column] = (record[column] ?? 0) + value;
        }
      }
    }
  }

  call(id: string): CallRow {
    const row = this.calls.get(id);
    if (!row) throw new Error(`no call ${id}`);
    return row;
  }

  participant(callId: string, userId: string): ParticipantRow | undefined {
    return this.participants.get(participantKey(callId, userId));
  }

  snapshot(): string {
    const sorted = <T>(map: Map<string, T>): Array<[string, T]> =>
      [...map].sort(([a], [b]) => (a < b ? -1 : 1));
    return JSON.stringify([
      sorted(this.calls),
      sorted(this.participants),
      sorted(this.recordings),
      sorted(this.samples),
      sorted(this.daily),
    ]);
  }
}

const given = (events: readonly RecordedEvent[]): Tables => {
  const tables = new Tables();
  tables.apply(events);
  return tables;
};

const patient = { userId: PATIENT, role: 'patient' } as const;

describe('call read models: given events, these rows', () => {
  describe('lifecycle', () => {
    it('a new call rings, with both parties invited and a call counted for its UTC day', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      const tables = given(ledger.events);
      expect(tables.call(call.callId)).toMatchObject({
        status: 'RINGING',
        provider_id: PROVIDER,
        patient_id: PATIENT,
        initiated_at: at(0),
        revision: 0,
        recording_count: 0,
        connectivity: null,
        updated_at: at(0),
      });
      expect(tables.participant(call.callId, PROVIDER)).toMatchObject({
        role: 'provider',
        status: 'INVITED',
        video_enabled: true,
        audio_enabled: true,
        screen_share_enabled: false,
      });
      expect(tables.participant(call.callId, PATIENT)?.role).toBe('patient');
      expect([...tables.daily.values()]).toEqual([
        expect.objectContaining({ day: '2025-03-01', provider_id: PROVIDER, calls_initiated: 1 }),
      ]);
    });

    it('answered then ended: IN_PROGRESS, then ENDED with duration, counted on the initiation day', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event('CallAnswered', { answeredBy: PATIENT, startedAt: at(10) }, 10, patient);
      call.event(
        'CallEnded',
        { endedBy: PROVIDER, reason: 'done', endedAt: at(610), durationSeconds: 600 },
        610,
      );
      const tables = given(ledger.events);
      expect(tables.call(call.callId)).toMatchObject({
        status: 'ENDED',
        started_at: at(10),
        ended_at: at(610),
        ended_by: PROVIDER,
        end_reason: 'done',
        duration_seconds: 600,
        revision: 2,
      });
      // Initiated 23:59 on March 1st, ended on March 2nd: both counted on March 1st.
      expect([...tables.daily.values()]).toEqual([
        expect.objectContaining({
          day: '2025-03-01',
          calls_initiated: 1,
          calls_ended: 1,
          duration_seconds_total: 600,
        }),
      ]);
    });

    it.each([
      [
        'CallMissed',
        'MISSED',
        { at: at(60), ringTimeoutSeconds: 60 },
        'system',
        null,
        'calls_missed',
      ],
      [
        'CallDeclined',
        'DECLINED',
        { declinedBy: PATIENT, reason: 'busy', at: at(5) },
        PATIENT,
        'busy',
        'calls_declined',
      ],
      [
        'CallCancelled',
        'CANCELLED',
        { cancelledBy: PROVIDER, reason: null, at: at(5) },
        PROVIDER,
        null,
        'calls_cancelled',
      ],
    ] as const)('%s -> %s, counted for the day', (type, status, data, endedBy, reason, counter) => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event(type, data, 60);
      const tables = given(ledger.events);
      expect(tables.call(call.callId)).toMatchObject({
        status,
        ended_by: endedBy,
        end_reason: reason,
        duration_seconds: null,
        started_at: null,
      });
      expect([...tables.daily.values()][0]?.[counter]).toBe(1);
    });

    it('failed: FAILED with its reason as end and failure reason', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event('CallFailed', { reason: 'ice_failed', details: null, at: at(9) }, 9);
      expect(given(ledger.events).call(call.callId)).toMatchObject({
        status: 'FAILED',
        ended_at: at(9),
        ended_by: null,
        end_reason: 'ice_failed',
        failure_reason: 'ice_failed',
      });
    });

    it('a scheduled call starts ringing; a lifecycle event that cannot apply changes only the revision', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0, 'SCHEDULED');
      call.event('CallRingingStarted', { at: at(3600) }, 3600);
      call.event(
        'CallEnded',
        { endedBy: PROVIDER, reason: null, endedAt: at(3601), durationSeconds: 1 },
        3601,
      );
      expect(given(ledger.events).call(call.callId)).toMatchObject({
        status: 'RINGING',
        ended_at: null,
        revision: 2,
      });
    });
  });

  describe('participants and media', () => {
    it('join, connect, drop, come back, leave: status, times and time in the room', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.joined(PATIENT, 10);
      call.event('ParticipantConnected', { userId: PATIENT, at: at(11) }, 11);
      call.event('ParticipantDisconnected', { userId: PATIENT, at: at(100) }, 100);
      let tables = given(ledger.events);
      expect(tables.participant(call.callId, PATIENT)).toMatchObject({
        status: 'DISCONNECTED',
        joined_at: at(10),
        disconnected_at: at(100),
      });
      call.event('ParticipantReconnected', { userId: PATIENT, at: at(110) }, 110);
      call.event('ParticipantLeft', { userId: PATIENT, at: at(310), reason: 'left' }, 310);
      tables = given(ledger.events);
      expect(tables.participant(call.callId, PATIENT)).toMatchObject({
        status: 'LEFT',
        left_at: at(310),
        left_reason: 'left',
        disconnected_at: null,
        participation_seconds: 300,
      });
    });

    it('left after the reconnect grace: time in the room ends when the connection dropped', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.joined(PATIENT, 10);
      call.event('ParticipantDisconnected', { userId: PATIENT, at: at(70) }, 70);
      call.event(
        'ParticipantLeft',
        { userId: PATIENT, at: at(100), reason: 'reconnect_grace_expired' },
        100,
      );
      call.joined(PATIENT, 200);
      call.event('ParticipantLeft', { userId: PATIENT, at: at(230), reason: 'call_ended' }, 230);
      expect(given(ledger.events).participant(call.callId, PATIENT)).toMatchObject({
        participation_seconds: 60 + 30,
        left_reason: 'call_ended',
      });
    });

    it('media updates carry the full media state', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event(
        'ParticipantMediaUpdated',
        { userId: PROVIDER, video: false, audio: true, screenShare: true, at: at(5) },
        5,
      );
      expect(given(ledger.events).participant(call.callId, PROVIDER)).toMatchObject({
        video_enabled: false,
        audio_enabled: true,
        screen_share_enabled: true,
      });
    });

    it('consent is given and withdrawn per participant', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event('RecordingConsentGiven', { userId: PATIENT, at: at(5) }, 5);
      call.event('RecordingConsentGiven', { userId: PROVIDER, at: at(6) }, 6);
      call.event('RecordingConsentWithdrawn', { userId: PATIENT, at: at(9) }, 9);
      const tables = given(ledger.events);
      expect(tables.participant(call.callId, PATIENT)).toMatchObject({
        consented_to_recording: false,
        consent_changed_at: at(9),
      });
      expect(tables.participant(call.callId, PROVIDER)?.consented_to_recording).toBe(true);
    });

    it('an event about someone who is not a party changes no participant', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.joined('00000000-0000-4000-8000-0000000000ff', 5);
      const tables = given(ledger.events);
      expect(tables.participants.size).toBe(2);
      expect(tables.call(call.callId).revision).toBe(1);
    });
  });

  describe('recordings', () => {
    const recordingId = '00000000-0000-4000-8000-0000000000r1'.replace('r1', 'd1');

    it('RECORDING -> STOPPED -> COMPLETED -> held -> PURGED, counted where they belong', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event(
        'RecordingStarted',
        {
          recordingId,
          startedBy: PROVIDER,
          at: at(20),
          consentedParticipants: [PROVIDER, PATIENT],
        },
        20,
      );
      let tables = given(ledger.events);
      expect(tables.recordings.get(recordingId)).toMatchObject({
        call_id: call.callId,
        status: 'RECORDING',
        started_at: at(20),
        consented_participants: [PROVIDER, PATIENT],
      });
      expect(tables.call(call.callId).recording_count).toBe(1);
      call.event(
        'RecordingStopped',
        {
          recordingId,
          stoppedBy: PROVIDER,
          reason: 'stopped_by_user',
          at: at(80),
          durationSeconds: 60,
        },
        80,
      );
      call.event(
        'RecordingUploaded',
        {
          recordingId,
          sizeBytes: 1234567,
          sha256: 'ab'.repeat(32),
          storageKey: 'k/1',
          keyId: 'kek-1',
          contentType: 'video/webm',
          expiresAt: at(86400),
          at: at(90),
        },
        90,
      );
      call.event('RecordingLegalHoldSet', { recordingId, at: at(100) }, 100);
      tables = given(ledger.events);
      expect(tables.recordings.get(recordingId)).toMatchObject({
        status: 'COMPLETED',
        stopped_at: at(80),
        stop_reason: 'stopped_by_user',
        duration_seconds: 60,
        size_bytes: 1234567,
        storage_key: 'k/1',
        content_type: 'video/webm',
        completed_at: at(90),
        expires_at: at(86400),
        legal_hold: true,
      });
      call.event('RecordingLegalHoldReleased', { recordingId, at: at(200) }, 200);
      call.event('RecordingPurged', { recordingId, at: at(300) }, 300);
      tables = given(ledger.events);
      expect(tables.recordings.get(recordingId)).toMatchObject({
        status: 'PURGED',
        legal_hold: false,
        purged_at: at(300),
        last_position: ledger.events.at(-1)?.position,
      });
      expect([...tables.daily.values()][0]).toMatchObject({
        recordings_started: 1,
        recordings_completed: 1,
        recordings_failed: 0,
      });
    });

    it('a failed upload: FAILED with its reason', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event(
        'RecordingStarted',
        {
          recordingId,
          startedBy: PROVIDER,
          at: at(20),
          consentedParticipants: [PROVIDER, PATIENT],
        },
        20,
      );
      call.event(
        'RecordingStopped',
        { recordingId, stoppedBy: 'system', reason: 'call_ended', at: at(80), durationSeconds: 60 },
        80,
      );
      call.event('RecordingFailed', { recordingId, reason: 'upload_timeout', at: at(900) }, 900);
      const tables = given(ledger.events);
      expect(tables.recordings.get(recordingId)).toMatchObject({
        status: 'FAILED',
        failed_at: at(900),
        failure_reason: 'upload_timeout',
      });
      expect([...tables.daily.values()][0]?.recordings_failed).toBe(1);
    });
  });

  describe('quality', () => {
    it('samples land one row each; the call keeps their count, averages and connectivity', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.quality(30, {
        rttMs: 100,
        jitterMs: 10,
        packetLossPct: 1,
        mos: 4.4,
        candidateType: null,
      });
      let tables = given(ledger.events);
      expect(tables.call(call.callId)).toMatchObject({
        quality_sample_count: 1,
        connectivity: null,
      });
      call.quality(40, {
        rttMs: 200,
        jitterMs: 30,
        packetLossPct: 3,
        mos: 4.0,
        candidateType: 'srflx',
      });
      tables = given(ledger.events);
      expect(tables.call(call.callId)).toMatchObject({
        quality_sample_count: 2,
        avg_rtt_ms: 150,
        avg_jitter_ms: 20,
        avg_packet_loss_pct: 2,
        avg_mos: 4.2,
        connectivity: 'p2p',
        revision: 0,
      });
      call.quality(50, { candidateType: 'relay', poor: true });
      call.quality(60, { candidateType: 'host' });
      tables = given(ledger.events);
      expect(tables.call(call.callId).connectivity).toBe('relay');
      expect(tables.samples.size).toBe(4);
      expect([...tables.samples.values()][2]).toMatchObject({
        call_id: call.callId,
        user_id: PATIENT,
        sampled_at: at(50),
        candidate_type: 'relay',
        poor: true,
      });
    });

    it('quality warnings are counted on the call and the day', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.event(
        'CallQualityDegraded',
        { userId: PATIENT, at: at(5), samples: [], suggestion: 'audio-only' },
        5,
      );
      const tables = given(ledger.events);
      expect(tables.call(call.callId).quality_warning_count).toBe(1);
      expect([...tables.daily.values()][0]?.quality_warnings).toBe(1);
    });

    it('a malformed sample is skipped, never allowed to fail the batch', () => {
      const ledger = new TestLedger();
      const call = new CallScript(ledger);
      call.initiated(0);
      call.quality(5, { rttMs: 'fast' });
      const tables = given(ledger.events);
      expect(tables.samples.size).toBe(0);
      expect(tables.call(call.callId).quality_sample_count).toBe(0);
    });
  });

  describe('idempotence and batching', () => {
    function busyLedger(): TestLedger {
      const ledger = new TestLedger();
      for (let i = 0; i < 5; i += 1) {
        const call = new CallScript(ledger);
        const recordingId = `00000000-0000-4000-8000-00000000010${i}`;
        call.initiated(i);
        call.joined(PROVIDER, i + 1);
        call.event('CallAnswered', { answeredBy: PATIENT, startedAt: at(i + 5) }, i + 5, patient);
        call.joined(PATIENT, i + 6);
        call.quality(i + 20, { rttMs: 90 + i * 7.3, mos: 4.1 + i / 10 });
        call.event(
          'RecordingStarted',
          {
            recordingId,
            startedBy: PROVIDER,
            at: at(i + 30),
            consentedParticipants: [PROVIDER, PATIENT],
          },
          i + 30,
        );
        call.quality(i + 40, { rttMs: 130.1, candidateType: i % 2 ? 'relay' : 'host' });
        call.event(
          'RecordingStopped',
          {
            recordingId,
            stoppedBy: 'system',
            reason: 'call_ended',
            at: at(i + 90),
            durationSeconds: 60,
          },
          i + 90,
        );
        call.event(
          'CallEnded',
          { endedBy: PROVIDER, reason: null, endedAt: at(i + 90), durationSeconds: 85 },
          i + 90,
        );
        call.event(
          'ParticipantLeft',
          { userId: PROVIDER, at: at(i + 90), reason: 'call_ended' },
          i + 90,
        );
        call.event(
          'ParticipantLeft',
          { userId: PATIENT, at: at(i + 90), reason: 'call_ended' },
          i + 90,
        );
      }
      // Interleave the calls as a busy feed would, keeping each stream in order.
      const byTime = [...ledger.events].sort(
        (a, b) => Date.parse(a.metadata.occurredAt) - Date.parse(b.metadata.occurredAt),
      );
      let position = 10n ** 21n;
      return Object.assign(ledger, {
        events: byTime.map((event) => ({ ...event, position: (position += 3n).toString() })),
      });
    }

    it('gives the same rows whether the events come in one batch or many', () => {
      const { events } = busyLedger();
      const whole = given(events).snapshot();
      for (const size of [1, 2, 3, 7, 13]) {
        const tables = new Tables();
        for (let i = 0; i < events.length; i += size) tables.apply(events.slice(i, i + size));
        expect(tables.snapshot()).toBe(whole);
      }
    });

    it('changes nothing when events already applied come again, alone or with new ones', () => {
      const { events } = busyLedger();
      const tables = given(events.slice(0, 30));
      const once = given(events).snapshot();
      tables.apply(events.slice(10, 30)); // pure replay
      expect(foldCallReadModels(tables, events.slice(0, 30))).toEqual({
        calls: [],
        participants: [],
        recordings: [],
        qualitySamples: [],
        dailyStats: [],
      });
      tables.apply(events.slice(20)); // overlapping replay and new events
      expect(tables.snapshot()).toBe(once);
    });

    it('names the rows a batch needs loaded', () => {
      const { events } = busyLedger();
      const first = events.slice(0, 12);
      const wanted = rowsToLoad(first);
      expect(new Set(wanted.callIds).size).toBe(wanted.callIds.length);
      expect(wanted.initiatedCallIds.length).toBeGreaterThan(0);
      // Recordings started in the batch are made by it, not loaded.
      const later = rowsToLoad(events.filter((e) => e.type === 'RecordingStopped'));
      expect(later.recordings.length).toBe(5);
      expect(rowsToLoad(events).recordings).toEqual([]);
    });

    it('ignores streams that are not a call or its quality', () => {
      const ledger = new TestLedger();
      ledger.append('access-00000000-0000-4000-8000-000000000001', 'CallDetailsRead', {});
      ledger.append('user-1', 'UserCreated', {});
      expect(given(ledger.events).snapshot()).toBe(new Tables().snapshot());
    });
  });
});
