import { auditOutcome, auditRowOf } from '../../../src/projections/audit-log.fold.js';
import { AUDITOR, CallScript, PATIENT, PROVIDER, TestLedger, at } from './projection-fixtures.js';

describe('audit log: one row per event of any stream', () => {
  it('records when, who, what, which call and where from', () => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    const event = ledger.append(
      call.stream,
      'CallAnswered',
      { answeredBy: PATIENT, startedAt: at(3) },
      {
        seconds: 3,
        actor: { userId: PATIENT, role: 'patient' },
        origin: { ip: '10.0.0.7', userAgent: 'UA' },
      },
    );
    expect(auditRowOf(event)).toEqual({
      position: event.position,
      event_id: event.eventId,
      stream_id: call.stream,
      occurred_at: at(3),
      actor_id: PATIENT,
      actor_role: 'patient',
      action: 'CallAnswered',
      call_id: call.callId,
      recording_id: null,
      outcome: 'IN_PROGRESS',
      origin: { ip: '10.0.0.7', userAgent: 'UA' },
    });
  });

  it('timers act as the system, without an origin', () => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    const event = ledger.append(
      call.stream,
      'CallMissed',
      { at: at(60), ringTimeoutSeconds: 60 },
      {
        actor: { userId: 'system', role: 'system' },
      },
    );
    expect(auditRowOf(event)).toMatchObject({
      actor_id: 'system',
      actor_role: 'system',
      outcome: 'MISSED',
      origin: null,
    });
  });

  it.each([
    ['CallInitiated', { status: 'SCHEDULED' }, 'SCHEDULED'],
    ['CallInitiated', { status: 'RINGING' }, 'RINGING'],
    ['CallRingingStarted', {}, 'RINGING'],
    ['CallDeclined', {}, 'DECLINED'],
    ['CallCancelled', {}, 'CANCELLED'],
    ['CallEnded', {}, 'ENDED'],
    ['CallFailed', {}, 'FAILED'],
    ['ParticipantJoined', {}, 'JOINING'],
    ['ParticipantReconnected', {}, 'CONNECTED'],
    ['ParticipantDisconnected', {}, 'DISCONNECTED'],
    ['ParticipantLeft', {}, 'LEFT'],
    [
      'ParticipantMediaUpdated',
      { video: true, audio: false, screenShare: false },
      'video:on,audio:off,screenShare:off',
    ],
    ['RecordingConsentGiven', {}, 'consented'],
    ['RecordingConsentWithdrawn', {}, 'withdrawn'],
    ['RecordingStarted', {}, 'RECORDING'],
    ['RecordingStopped', {}, 'STOPPED'],
    ['RecordingUploaded', {}, 'COMPLETED'],
    ['RecordingFailed', {}, 'FAILED'],
    ['RecordingPurged', {}, 'PURGED'],
    ['RecordingLegalHoldSet', {}, 'legal_hold_set'],
    ['CallQualityDegraded', {}, 'degraded'],
    ['SomethingNew', {}, 'recorded'],
  ] as const)('%s -> outcome %s', (type, data, outcome) => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    expect(auditOutcome(ledger.append(call.stream, type, { ...data }))).toBe(outcome);
  });

  it('quality samples: ok or poor, with the call of their stream', () => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    const poor = call.quality(5, { poor: true });
    expect(auditRowOf(poor)).toMatchObject({
      call_id: call.callId,
      outcome: 'poor',
      action: 'QualitySampleRecorded',
    });
    expect(auditRowOf(call.quality(6, {})).outcome).toBe('ok');
  });

  it('reads of an access stream are granted, with the recording when there is one', () => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    const recordingId = '00000000-0000-4000-8000-0000000000d1';
    const read = ledger.append(
      `access-${call.callId}`,
      'RecordingDownloaded',
      { callId: call.callId, recordingId },
      {
        actor: { userId: AUDITOR, role: 'auditor' },
      },
    );
    expect(auditRowOf(read)).toMatchObject({
      call_id: call.callId,
      recording_id: recordingId,
      actor_role: 'auditor',
      outcome: 'granted',
    });
  });

  it('refusals of an access stream are denied, with the code answered and the recording', () => {
    const ledger = new TestLedger();
    const call = new CallScript(ledger);
    const recordingId = '00000000-0000-4000-8000-0000000000d2';
    const denied = ledger.append(
      `access-${call.callId}`,
      'AccessDenied',
      {
        callId: call.callId,
        recordingId,
        code: 'RECORDING.DOWNLOAD_FORBIDDEN',
        status: 403,
        method: 'GET',
        route: '/webrtc/calls/:id/recordings/:recordingId/media',
      },
      { actor: { userId: AUDITOR, role: 'analyst' } },
    );
    expect(auditRowOf(denied)).toMatchObject({
      action: 'AccessDenied',
      call_id: call.callId,
      recording_id: recordingId,
      outcome: 'denied:RECORDING.DOWNLOAD_FORBIDDEN',
    });
    const odd = ledger.append(`access-${call.callId}`, 'AccessDenied', { code: 'drop table' });
    expect(auditRowOf(odd).outcome).toBe('denied');
  });

  it('searches of the audit log name the filters used, and no call', () => {
    const ledger = new TestLedger();
    const search = ledger.append(`audit-search-${AUDITOR}`, 'AuditLogSearched', {
      filters: { callId: '00000000-0000-4000-8000-0000000000c1', action: 'CallEnded' },
      limit: 20,
      nextPage: false,
    });
    expect(auditRowOf(search)).toMatchObject({
      action: 'AuditLogSearched',
      call_id: null,
      outcome: 'filters:action,callId',
    });
    const all = ledger.append(`audit-search-${AUDITOR}`, 'AuditLogSearched', { filters: {} });
    expect(auditRowOf(all).outcome).toBe('filters:none');
  });

  it('streams of no call have no call id', () => {
    const ledger = new TestLedger();
    expect(
      auditRowOf(ledger.append('user-x', 'UserCreated', { recordingId: 'not-a-uuid' })),
    ).toMatchObject({
      call_id: null,
      recording_id: null,
      actor_id: PROVIDER,
    });
  });

  it.each([
    ['LoginSucceeded', {}, 'succeeded'],
    ['LoginFailed', { userId: null, reason: 'unknown_account' }, 'unknown_account'],
    ['LoginFailed', { userId: PROVIDER, reason: 'wrong_password' }, 'wrong_password'],
    ['LoggedOut', {}, 'logged_out'],
    ['SessionRevoked', { reason: 'logout' }, 'logout'],
    ['SessionRevoked', { reason: 'refresh_reuse' }, 'refresh_reuse'],
    ['SessionRevoked', { reason: 'deactivated' }, 'deactivated'],
    ['UserDeactivated', {}, 'deactivated'],
  ] as const)('session event %s %j -> outcome %s, of no call', (type, data, outcome) => {
    const ledger = new TestLedger();
    const sessionId = '00000000-0000-4000-8000-0000000000e1';
    const event = ledger.append(
      `session-${sessionId}`,
      type,
      { sessionId, ...data },
      { origin: { ip: '127.0.0.1', userAgent: 'UA' } },
    );
    expect(auditRowOf(event)).toMatchObject({
      action: type,
      call_id: null,
      recording_id: null,
      outcome,
      origin: { ip: '127.0.0.1', userAgent: 'UA' },
    });
  });
});
