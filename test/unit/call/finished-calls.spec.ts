import {
  CallAlreadyFinishedError,
  RecordingNotActiveError,
  RecordingNotFoundError,
} from '../../../src/domain/call/call.errors.js';
import type { CallCommand } from '../../../src/domain/call/call.commands.js';
import type { CallEvent } from '../../../src/domain/call/call.events.js';
import {
  PATIENT_ID,
  PROVIDER_ID,
  answerCall,
  at,
  callCancelled,
  callDeclined,
  callEnded,
  callFailed,
  callInitiated,
  callMissed,
  cancelCall,
  consentGiven,
  declineCall,
  disconnectParticipant,
  endCall,
  expireDisconnected,
  giveConsent,
  inProgressWithBothConnected,
  joinCall,
  leaveCall,
  markCallFailed,
  markCallMissed,
  markConnected,
  participantConnected,
  participantJoined,
  participantLeft,
  patient,
  provider,
  reconnectParticipant,
  recordQualityDegradation,
  recordingStopped,
  recordingInProgress,
  ringScheduledCall,
  spec,
  startRecording,
  stopRecording,
  updateMedia,
  withdrawConsent,
} from './call.fixtures.js';

/** Both parties were in the room and consented; everyone was taken out when the call finished. */
const left = (time: string) => [
  participantLeft(PROVIDER_ID, time, 'call_ended'),
  participantLeft(PATIENT_ID, time, 'call_ended'),
];
const ringingWithBoth = () => [
  callInitiated(),
  participantJoined(PROVIDER_ID, at(1)),
  participantConnected(PROVIDER_ID, at(2)),
  participantJoined(PATIENT_ID, at(3)),
  consentGiven(PROVIDER_ID, at(4)),
  consentGiven(PATIENT_ID, at(4)),
];

const finishedCalls: [string, CallEvent[], Record<string, unknown>][] = [
  [
    'ENDED',
    [
      ...recordingInProgress(),
      recordingStopped('call_ended', at(610), 570),
      callEnded(at(610), 600),
      ...left(at(610)),
    ],
    {
      status: 'ENDED',
      startedAt: at(10),
      endedAt: at(610),
      endedBy: PROVIDER_ID,
      durationSeconds: 600,
      endReason: null,
      activeRecordingId: null,
    },
  ],
  [
    'CANCELLED',
    [...ringingWithBoth(), callCancelled(at(5), PROVIDER_ID, 'wrong patient'), ...left(at(5))],
    {
      status: 'CANCELLED',
      startedAt: null,
      endedAt: at(5),
      endedBy: PROVIDER_ID,
      durationSeconds: null,
      endReason: 'wrong patient',
    },
  ],
  [
    'DECLINED',
    [...ringingWithBoth(), callDeclined(at(8)), ...left(at(8))],
    { status: 'DECLINED', endedAt: at(8), endedBy: PATIENT_ID, endReason: 'busy' },
  ],
  [
    'MISSED',
    [...ringingWithBoth(), callMissed(at(60)), ...left(at(60))],
    { status: 'MISSED', endedAt: at(60), endedBy: 'system', endReason: null },
  ],
  [
    'FAILED',
    [...inProgressWithBothConnected(), callFailed(at(20)), ...left(at(20))],
    {
      status: 'FAILED',
      startedAt: at(10),
      endedAt: at(20),
      endedBy: null,
      durationSeconds: null,
      endReason: 'ice_failed',
    },
  ],
];

/** Everything that would change the call, each sent by someone who could have sent it before. */
const refused: [string, CallCommand][] = [
  ['RingScheduledCall', ringScheduledCall(provider)],
  ['AnswerCall', answerCall(patient)],
  ['DeclineCall', declineCall(patient)],
  ['CancelCall', cancelCall(provider)],
  ['EndCall', endCall(patient)],
  ['MarkCallMissed', markCallMissed()],
  ['MarkCallFailed', markCallFailed(provider)],
  ['JoinCall', joinCall(patient)],
  ['MarkParticipantConnected', markConnected(patient)],
  ['DisconnectParticipant', disconnectParticipant(PATIENT_ID)],
  ['ReconnectParticipant', reconnectParticipant(patient)],
  ['LeaveCall', leaveCall(patient)],
  ['UpdateMedia', updateMedia(patient, { video: false })],
  ['GiveRecordingConsent', giveConsent(patient)],
  ['WithdrawRecordingConsent', withdrawConsent(patient)],
  ['StartRecording', startRecording(provider, 'rec-9')],
  ['RecordQualityDegradation', recordQualityDegradation()],
];

describe.each(finishedCalls)('given a %s call', (_status, history, expected) => {
  it('remembers how it finished, with nobody left in the room', () => {
    const state = spec.given(history).state();
    expect(state).toMatchObject(expected);
    if (state.status === 'NONE') throw new Error('expected a call');
    expect(Object.values(state.participants).map((p) => p.status)).toEqual(['LEFT', 'LEFT']);
    expect(state.activeRecordingId).toBeNull();
  });

  it.each(refused)('refuses %s: nothing changes a finished call', (_type, sent) => {
    spec
      .given(history)
      .when(sent)
      .thenThrows(CallAlreadyFinishedError, (error) => {
        expect(error.code).toBe('CALL.ALREADY_FINISHED');
        expect(error.kind).toBe('conflict');
        expect(error.message).toContain(String(expected.status));
      });
  });

  it('the reconnect-grace timer firing late does nothing', () => {
    spec
      .given(history)
      .when(expireDisconnected(PATIENT_ID, at(700)))
      .thenNothing();
  });

  it('StopRecording answers about the recording, not the call', () => {
    const sent = stopRecording(provider, 'rec-1');
    if (expected.status === 'ENDED') {
      spec.given(history).when(sent).thenThrows(RecordingNotActiveError, 'RECORDING.NOT_ACTIVE');
    } else {
      spec.given(history).when(sent).thenThrows(RecordingNotFoundError, 'RECORDING.NOT_FOUND');
    }
  });
});
