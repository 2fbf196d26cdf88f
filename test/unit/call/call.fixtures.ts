import { SYSTEM_ACTOR, type Actor } from '../../../src/domain/shared/actor.js';
import type { JsonObject } from '../../../src/domain/shared/event.js';
import type { CallCommand, CallCommandType } from '../../../src/domain/call/call.commands.js';
import { callDecider } from '../../../src/domain/call/call.decider.js';
import type {
  CallAnswered,
  CallCancelled,
  CallDeclined,
  CallEnded,
  CallEvent,
  CallFailed,
  CallInitiated,
  CallMissed,
  CallQualityDegraded,
  CallRingingStarted,
  ParticipantConnected,
  ParticipantDisconnected,
  ParticipantJoined,
  ParticipantLeft,
  ParticipantMediaUpdated,
  ParticipantReconnected,
  RecordingConsentGiven,
  RecordingConsentWithdrawn,
  RecordingStarted,
  RecordingStopped,
} from '../../../src/domain/call/call.events.js';
import type { CallState } from '../../../src/domain/call/call.state.js';
import type {
  DisconnectReason,
  ParticipantLeftReason,
  RecordingStopReason,
} from '../../../src/domain/call/call.values.js';
import { DeciderSpecification } from '../../support/decider-spec.js';

/** The call decider under given / when / then. */
export const spec = DeciderSpecification.for(callDecider);

// --- People -----------------------------------------------------------------------------------

export const CALL_ID = '7d1f6c2e-0000-4000-8000-000000000001';
export const PROVIDER_ID = 'provider-1';
export const PATIENT_ID = 'patient-1';

export const provider: Actor = { userId: PROVIDER_ID, role: 'provider' };
export const patient: Actor = { userId: PATIENT_ID, role: 'patient' };
/** Real users of the system who have nothing to do with this call. */
export const otherProvider: Actor = { userId: 'provider-2', role: 'provider' };
export const otherPatient: Actor = { userId: 'patient-2', role: 'patient' };
export const admin: Actor = { userId: 'admin-1', role: 'admin' };
export const auditor: Actor = { userId: 'auditor-1', role: 'auditor' };
export const analyst: Actor = { userId: 'analyst-1', role: 'analyst' };
export const system: Actor = SYSTEM_ACTOR;

// --- Time -------------------------------------------------------------------------------------

export const T0 = '2026-05-04T09:00:00.000Z';

/** The instant `seconds` (may be fractional) after T0, as commands and events carry it. */
export function at(seconds: number): string {
  return new Date(Date.parse(T0) + Math.round(seconds * 1000)).toISOString();
}

// --- Commands ---------------------------------------------------------------------------------

type CommandOf<T extends CallCommandType> = Extract<CallCommand, { type: T }>;

export function command<T extends CallCommandType>(
  type: T,
  data: CommandOf<T>['data'],
  actor: Actor,
  now: string = T0,
): CommandOf<T> {
  return { type, data, metadata: { actor, now } } as CommandOf<T>;
}

export const initiateCall = (
  data: Partial<CommandOf<'InitiateCall'>['data']> = {},
  actor: Actor = provider,
  now: string = T0,
) =>
  command(
    'InitiateCall',
    {
      callId: CALL_ID,
      providerId: PROVIDER_ID,
      patientId: PATIENT_ID,
      type: 'VIDEO',
      scheduledAt: null,
      recordingEnabled: true,
      reason: 'Follow-up',
      patientsMayInitiate: false,
      ...data,
    },
    actor,
    now,
  );
export const ringScheduledCall = (actor: Actor = provider, now = at(3600)) =>
  command('RingScheduledCall', {}, actor, now);
export const answerCall = (actor: Actor = patient, now = at(10)) =>
  command('AnswerCall', {}, actor, now);
export const declineCall = (actor: Actor = patient, now = at(10), reason: string | null = 'busy') =>
  command('DeclineCall', { reason }, actor, now);
export const cancelCall = (actor: Actor = provider, now = at(5), reason: string | null = null) =>
  command('CancelCall', { reason }, actor, now);
export const endCall = (actor: Actor = provider, now = at(610), reason: string | null = null) =>
  command('EndCall', { reason }, actor, now);
export const markCallMissed = (actor: Actor = system, now = at(60), ringTimeoutSeconds = 60) =>
  command('MarkCallMissed', { ringTimeoutSeconds }, actor, now);
export const markCallFailed = (
  actor: Actor = system,
  now = at(20),
  reason = 'ice_failed',
  details: JsonObject | null = { candidateType: 'relay' },
) => command('MarkCallFailed', { reason, details }, actor, now);
export const joinCall = (actor: Actor, now = at(1)) => command('JoinCall', {}, actor, now);
export const markConnected = (actor: Actor, now = at(2)) =>
  command('MarkParticipantConnected', {}, actor, now);
export const disconnectParticipant = (
  userId: string,
  now = at(100),
  actor: Actor = system,
  reason: DisconnectReason = 'connection_lost',
) => command('DisconnectParticipant', { userId, reason }, actor, now);
export const reconnectParticipant = (actor: Actor, now = at(110), reconnectGraceSeconds = 30) =>
  command('ReconnectParticipant', { reconnectGraceSeconds }, actor, now);
export const leaveCall = (actor: Actor, now = at(200)) => command('LeaveCall', {}, actor, now);
export const expireDisconnected = (
  userId: string,
  now = at(131),
  reconnectGraceSeconds = 30,
  actor: Actor = system,
) => command('ExpireDisconnectedParticipant', { userId, reconnectGraceSeconds }, actor, now);
export const updateMedia = (
  actor: Actor,
  media: { video?: boolean; audio?: boolean; screenShare?: boolean },
  now = at(50),
) => command('UpdateMedia', media, actor, now);
export const giveConsent = (actor: Actor, now = at(30)) =>
  command('GiveRecordingConsent', {}, actor, now);
export const withdrawConsent = (actor: Actor, now = at(300)) =>
  command('WithdrawRecordingConsent', {}, actor, now);
export const startRecording = (actor: Actor = provider, recordingId = 'rec-1', now = at(40)) =>
  command('StartRecording', { recordingId }, actor, now);
export const stopRecording = (actor: Actor = provider, recordingId = 'rec-1', now = at(400)) =>
  command('StopRecording', { recordingId }, actor, now);
export const SAMPLES: JsonObject[] = [{ rttMs: 620, jitterMs: 80, packetLossPct: 12 }];
export const recordQualityDegradation = (
  actor: Actor = system,
  userId: string = PATIENT_ID,
  now = at(90),
) =>
  command(
    'RecordQualityDegradation',
    { userId, samples: SAMPLES, suggestion: 'audio-only' },
    actor,
    now,
  );

// --- Events -----------------------------------------------------------------------------------

export const callInitiated = (data: Partial<CallInitiated['data']> = {}): CallInitiated => ({
  type: 'CallInitiated',
  data: {
    callId: CALL_ID,
    type: 'VIDEO',
    providerId: PROVIDER_ID,
    patientId: PATIENT_ID,
    initiatorId: PROVIDER_ID,
    calleeId: PATIENT_ID,
    status: 'RINGING',
    scheduledAt: null,
    recordingEnabled: true,
    reason: 'Follow-up',
    initiatedAt: T0,
    ...data,
  },
});
export const callScheduled = (): CallInitiated =>
  callInitiated({ status: 'SCHEDULED', scheduledAt: at(3600) });
export const ringingStarted = (time = at(3600)): CallRingingStarted => ({
  type: 'CallRingingStarted',
  data: { at: time },
});
export const callAnswered = (time = at(10), answeredBy = PATIENT_ID): CallAnswered => ({
  type: 'CallAnswered',
  data: { answeredBy, startedAt: time },
});
export const callDeclined = (
  time = at(10),
  declinedBy = PATIENT_ID,
  reason: string | null = 'busy',
): CallDeclined => ({ type: 'CallDeclined', data: { declinedBy, reason, at: time } });
export const callCancelled = (
  time = at(5),
  cancelledBy = PROVIDER_ID,
  reason: string | null = null,
): CallCancelled => ({ type: 'CallCancelled', data: { cancelledBy, reason, at: time } });
export const callEnded = (
  endedAt = at(610),
  durationSeconds = 600,
  endedBy = PROVIDER_ID,
  reason: string | null = null,
): CallEnded => ({ type: 'CallEnded', data: { endedBy, reason, endedAt, durationSeconds } });
export const callMissed = (time = at(60), ringTimeoutSeconds = 60): CallMissed => ({
  type: 'CallMissed',
  data: { at: time, ringTimeoutSeconds },
});
export const callFailed = (
  time = at(20),
  reason = 'ice_failed',
  details: JsonObject | null = { candidateType: 'relay' },
): CallFailed => ({ type: 'CallFailed', data: { reason, details, at: time } });
export const participantJoined = (userId: string, time = at(1)): ParticipantJoined => ({
  type: 'ParticipantJoined',
  data: { userId, at: time },
});
export const participantConnected = (userId: string, time = at(2)): ParticipantConnected => ({
  type: 'ParticipantConnected',
  data: { userId, at: time },
});
export const participantDisconnected = (
  userId: string,
  time = at(100),
  reason: DisconnectReason = 'connection_lost',
): ParticipantDisconnected => ({
  type: 'ParticipantDisconnected',
  data: { userId, at: time, reason },
});
export const participantReconnected = (userId: string, time = at(110)): ParticipantReconnected => ({
  type: 'ParticipantReconnected',
  data: { userId, at: time },
});
export const participantLeft = (
  userId: string,
  time = at(200),
  reason: ParticipantLeftReason = 'left',
): ParticipantLeft => ({ type: 'ParticipantLeft', data: { userId, at: time, reason } });
export const mediaUpdated = (
  userId: string,
  media: { video: boolean; audio: boolean; screenShare: boolean },
  time = at(50),
): ParticipantMediaUpdated => ({
  type: 'ParticipantMediaUpdated',
  data: { userId, ...media, at: time },
});
export const consentGiven = (userId: string, time = at(30)): RecordingConsentGiven => ({
  type: 'RecordingConsentGiven',
  data: { userId, at: time },
});
export const consentWithdrawn = (userId: string, time = at(300)): RecordingConsentWithdrawn => ({
  type: 'RecordingConsentWithdrawn',
  data: { userId, at: time },
});
export const recordingStarted = (
  recordingId = 'rec-1',
  time = at(40),
  consentedParticipants: string[] = [PROVIDER_ID, PATIENT_ID],
  startedBy = PROVIDER_ID,
): RecordingStarted => ({
  type: 'RecordingStarted',
  data: { recordingId, startedBy, at: time, consentedParticipants },
});
export const recordingStopped = (
  reason: RecordingStopReason,
  time: string,
  durationSeconds: number,
  stoppedBy = 'system',
  recordingId = 'rec-1',
): RecordingStopped => ({
  type: 'RecordingStopped',
  data: { recordingId, stoppedBy, reason, at: time, durationSeconds },
});
export const qualityDegraded = (userId = PATIENT_ID, time = at(90)): CallQualityDegraded => ({
  type: 'CallQualityDegraded',
  data: { userId, at: time, samples: SAMPLES, suggestion: 'audio-only' },
});

// --- Histories --------------------------------------------------------------------------------

/** A provider-initiated call, answered by the patient at T0+10 s. Nobody in the room yet. */
export const inProgress = (): CallEvent[] => [callInitiated(), callAnswered()];

/** In progress with both parties connected over the socket. */
export const inProgressWithBothConnected = (): CallEvent[] => [
  ...inProgress(),
  participantJoined(PROVIDER_ID, at(11)),
  participantConnected(PROVIDER_ID, at(12)),
  participantJoined(PATIENT_ID, at(11)),
  participantConnected(PATIENT_ID, at(12)),
];

/** Both connected, both consented, recording `rec-1` running since T0+40 s. */
export const recordingInProgress = (): CallEvent[] => [
  ...inProgressWithBothConnected(),
  consentGiven(PROVIDER_ID),
  consentGiven(PATIENT_ID),
  recordingStarted(),
];

/** A history that leaves the call in each status, with nobody in the room. */
export const HISTORIES: Record<CallState['status'], CallEvent[]> = {
  NONE: [],
  SCHEDULED: [callScheduled()],
  RINGING: [callInitiated()],
  IN_PROGRESS: inProgress(),
  ENDED: [...inProgress(), callEnded()],
  CANCELLED: [callInitiated(), callCancelled()],
  DECLINED: [callInitiated(), callDeclined()],
  MISSED: [callInitiated(), callMissed()],
  FAILED: [...inProgress(), callFailed()],
};

export const STATUSES = Object.keys(HISTORIES) as CallState['status'][];
export const TERMINAL_STATUSES = ['ENDED', 'CANCELLED', 'DECLINED', 'MISSED', 'FAILED'] as const;
