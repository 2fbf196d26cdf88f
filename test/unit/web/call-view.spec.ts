import type { CallDetails, User } from '../../../web/src/api/contract.js';
import {
  CallViewStore,
  isOver,
  remoteStatusOf,
  viewOfCall,
} from '../../../web/src/call/call-view.js';

const PROVIDER: User = { id: 'provider-1', role: 'provider', displayName: 'Dr Provider' };
const PATIENT: User = { id: 'patient-1', role: 'patient', displayName: 'Pat Patient' };

function call(change: Partial<CallDetails> = {}): CallDetails {
  return {
    id: 'call-1',
    type: 'VIDEO',
    status: 'RINGING',
    providerId: PROVIDER.id,
    providerName: PROVIDER.displayName,
    patientId: PATIENT.id,
    patientName: PATIENT.displayName,
    initiatorId: PROVIDER.id,
    calleeId: PATIENT.id,
    reason: null,
    scheduledAt: null,
    initiatedAt: '2026-01-05T10:00:00.000Z',
    startedAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    failureReason: null,
    duration: null,
    recordingEnabled: true,
    recordingCount: 0,
    qualityWarningCount: 0,
    connectivity: null,
    revision: 1,
    participants: [],
    recordings: [],
    recordingConsentObtained: false,
    quality: {
      samples: 0,
      avgRttMs: null,
      avgJitterMs: null,
      avgPacketLossPct: null,
      avgMos: null,
      warnings: 0,
      connectivity: null,
    },
    ...change,
  };
}

describe('web client: the call as the view reads it', () => {
  it('names the other party from the call until they are a participant', () => {
    const { remote } = viewOfCall(call(), PROVIDER, null, null);
    expect(remote).toEqual({
      userId: PATIENT.id,
      name: PATIENT.displayName,
      status: 'waiting',
      audio: true,
      video: true,
      screenShare: false,
    });
    expect(viewOfCall(call({ type: 'AUDIO' }), PATIENT, null, null).remote.video).toBe(false);
  });

  it('keeps the remote participant it already knows', () => {
    const known = viewOfCall(call(), PROVIDER, null, null).remote;
    const connected = { ...known, status: 'connected' as const };
    expect(viewOfCall(call(), PROVIDER, null, connected).remote).toBe(connected);
  });

  it('reads a call still RINGING in the read model as answered once call-answered said so', () => {
    const answeredAt = '2026-01-05T10:00:05.000Z';
    const read = viewOfCall(call(), PROVIDER, answeredAt, null).call;
    expect(read.status).toBe('IN_PROGRESS');
    expect(read.startedAt).toBe(answeredAt);
    expect(viewOfCall(call(), PROVIDER, null, null).call.status).toBe('RINGING');
  });

  it('takes consents and the running recording from the call', () => {
    const participant = {
      displayName: PATIENT.displayName,
      role: 'patient' as const,
      status: 'CONNECTED',
      joinedAt: null,
      leftAt: null,
      leftReason: null,
      participationSeconds: 0,
      videoEnabled: true,
      audioEnabled: true,
      screenShareEnabled: false,
    };
    const recording = {
      id: 'recording-1',
      callId: 'call-1',
      status: 'RECORDING',
      startedBy: PROVIDER.id,
      startedAt: '2026-01-05T10:01:00.000Z',
      stoppedAt: null,
      stoppedBy: null,
      stopReason: null,
      duration: null,
      consentedParticipants: [],
      sizeBytes: null,
      sha256: null,
      contentType: null,
      completedAt: null,
      expiresAt: null,
      legalHold: false,
      purgedAt: null,
    };
    const view = viewOfCall(
      call({
        status: 'IN_PROGRESS',
        participants: [
          { ...participant, userId: PATIENT.id, consentedToRecording: true },
          { ...participant, userId: PROVIDER.id, role: 'provider', consentedToRecording: false },
        ],
        recordings: [recording],
      }),
      PROVIDER,
      null,
      null,
    );
    expect(view.consents).toEqual({ [PATIENT.id]: true, [PROVIDER.id]: false });
    expect(view.recording).toEqual({ id: 'recording-1', startedAt: recording.startedAt });
    expect(view.remote.name).toBe(PATIENT.displayName);
  });

  it('knows which statuses are over', () => {
    expect(isOver(call({ status: 'MISSED' }))).toBe(true);
    expect(isOver(call({ status: 'IN_PROGRESS' }))).toBe(false);
  });

  it('reads the room status of the other participant', () => {
    const participant = {
      userId: PATIENT.id,
      role: 'patient' as const,
      video: true,
      audio: true,
      screenShare: false,
    };
    expect(remoteStatusOf({ ...participant, status: 'INVITED' })).toBe('waiting');
    expect(remoteStatusOf({ ...participant, status: 'JOINING' })).toBe('connecting');
    expect(remoteStatusOf({ ...participant, status: 'CONNECTED' })).toBe('connecting');
    expect(remoteStatusOf({ ...participant, status: 'DISCONNECTED' })).toBe('reconnecting');
  });
});

describe('web client: the call view', () => {
  it('derives the phase from every change and tells its listeners', () => {
    const store = new CallViewStore();
    let heard = 0;
    store.subscribe(() => (heard += 1));
    expect(store.current.phase).toBe('loading');
    store.update(viewOfCall(call(), PROVIDER, null, null));
    expect(store.current.phase).toBe('ringing');
    store.update({ call: call({ status: 'IN_PROGRESS' }) });
    expect(store.current.phase).toBe('connecting');
    store.updateRemote({ status: 'connected' });
    expect(store.current.phase).toBe('connected');
    store.update({ signalingOnline: false });
    expect(store.current.phase).toBe('reconnecting');
    store.update({ ended: { status: 'ENDED', durationSeconds: 12 } });
    expect(store.current.phase).toBe('ended');
    expect(heard).toBe(5);
  });

  it('changes nothing of a remote participant it does not know yet', () => {
    const store = new CallViewStore();
    store.updateRemote({ status: 'connected' });
    expect(store.current.remote).toBeNull();
  });
});
