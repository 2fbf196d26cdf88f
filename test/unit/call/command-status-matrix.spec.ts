import type { Actor } from '../../../src/domain/shared/actor.js';
import type { CallCommand, CallCommandType } from '../../../src/domain/call/call.commands.js';
import {
  CallAlreadyExistsError,
  CallAlreadyFinishedError,
  CallNotCancellableError,
  CallNotFoundError,
  CallNotInProgressError,
  CallNotJoinableError,
  CallNotLiveError,
  CallNotRingingError,
  CallNotScheduledError,
  NotCallPartyError,
  NotCalleeError,
  NotInitiatorError,
  NotSelfError,
  ParticipantNotConnectedError,
  ParticipantNotDisconnectedError,
  ParticipantNotJoiningError,
  ParticipantNotPresentError,
  RecordingConsentMissingError,
  RecordingNotFoundError,
  RecordingProviderOnlyError,
  SystemOnlyError,
} from '../../../src/domain/call/call.errors.js';
import type { CallState } from '../../../src/domain/call/call.state.js';
import type { DomainError } from '../../../src/domain/shared/domain-error.js';
import { foldEvents } from '../../../src/domain/shared/decider.js';
import { callDecider } from '../../../src/domain/call/call.decider.js';
import {
  HISTORIES,
  PATIENT_ID,
  PROVIDER_ID,
  STATUSES,
  admin,
  answerCall,
  cancelCall,
  command,
  declineCall,
  disconnectParticipant,
  endCall,
  expireDisconnected,
  giveConsent,
  initiateCall,
  joinCall,
  leaveCall,
  markCallFailed,
  markCallMissed,
  markConnected,
  otherPatient,
  otherProvider,
  patient,
  provider,
  reconnectParticipant,
  recordQualityDegradation,
  ringScheduledCall,
  spec,
  startRecording,
  stopRecording,
  system,
  updateMedia,
  withdrawConsent,
} from './call.fixtures.js';

/**
 * Every command in every status, sent by an actor who may send it, against a call where nobody has
 * joined, consented or recorded. `accepts` = at least one event; `nothing` = no events. The accepted
 * cells' exact events, and the rules that need a richer history, have focused specs of their own.
 */

type ErrorClass = abstract new (...args: never[]) => DomainError;
type Outcome = 'accepts' | 'nothing' | ErrorClass;
type Status = CallState['status'];

const F = CallAlreadyFinishedError;
const finished = { ENDED: F, CANCELLED: F, DECLINED: F, MISSED: F, FAILED: F } as const;

function live(scheduled: Outcome, ringing: Outcome, inProgress: Outcome): Record<Status, Outcome> {
  return {
    NONE: CallNotFoundError,
    SCHEDULED: scheduled,
    RINGING: ringing,
    IN_PROGRESS: inProgress,
    ...finished,
  };
}

const noRecording: Record<Status, Outcome> = {
  NONE: CallNotFoundError,
  SCHEDULED: RecordingNotFoundError,
  RINGING: RecordingNotFoundError,
  IN_PROGRESS: RecordingNotFoundError,
  ENDED: RecordingNotFoundError,
  CANCELLED: RecordingNotFoundError,
  DECLINED: RecordingNotFoundError,
  MISSED: RecordingNotFoundError,
  FAILED: RecordingNotFoundError,
};

const completeUpload = (): CallCommand =>
  command(
    'CompleteRecordingUpload',
    {
      recordingId: 'rec-1',
      sizeBytes: 1,
      sha256: 'ab',
      storageKey: 'k',
      keyId: 'kek',
      contentType: 'video/webm',
      expiresAt: '2033-01-01T00:00:00.000Z',
    },
    provider,
  );

const matrix: Record<CallCommandType, { command: CallCommand; outcomes: Record<Status, Outcome> }> =
  {
    InitiateCall: {
      command: initiateCall(),
      outcomes: {
        NONE: 'accepts',
        SCHEDULED: CallAlreadyExistsError,
        RINGING: CallAlreadyExistsError,
        IN_PROGRESS: CallAlreadyExistsError,
        ENDED: CallAlreadyExistsError,
        CANCELLED: CallAlreadyExistsError,
        DECLINED: CallAlreadyExistsError,
        MISSED: CallAlreadyExistsError,
        FAILED: CallAlreadyExistsError,
      },
    },
    RingScheduledCall: {
      command: ringScheduledCall(provider),
      outcomes: live('accepts', CallNotScheduledError, CallNotScheduledError),
    },
    AnswerCall: {
      command: answerCall(patient),
      outcomes: live(CallNotRingingError, 'accepts', CallNotRingingError),
    },
    DeclineCall: {
      command: declineCall(patient),
      outcomes: live(CallNotRingingError, 'accepts', CallNotRingingError),
    },
    CancelCall: {
      command: cancelCall(provider),
      outcomes: live('accepts', 'accepts', CallNotCancellableError),
    },
    EndCall: {
      command: endCall(provider),
      outcomes: live(CallNotInProgressError, CallNotInProgressError, 'accepts'),
    },
    MarkCallMissed: {
      command: markCallMissed(system),
      outcomes: live(CallNotRingingError, 'accepts', CallNotRingingError),
    },
    MarkCallFailed: {
      command: markCallFailed(system),
      outcomes: live(CallNotLiveError, 'accepts', 'accepts'),
    },
    JoinCall: {
      command: joinCall(patient),
      outcomes: live(CallNotJoinableError, 'accepts', 'accepts'),
    },
    MarkParticipantConnected: {
      command: markConnected(patient),
      outcomes: live(CallNotJoinableError, ParticipantNotJoiningError, ParticipantNotJoiningError),
    },
    DisconnectParticipant: {
      command: disconnectParticipant(PATIENT_ID),
      outcomes: live(
        ParticipantNotConnectedError,
        ParticipantNotConnectedError,
        ParticipantNotConnectedError,
      ),
    },
    ReconnectParticipant: {
      command: reconnectParticipant(patient),
      outcomes: live(
        ParticipantNotDisconnectedError,
        ParticipantNotDisconnectedError,
        ParticipantNotDisconnectedError,
      ),
    },
    LeaveCall: {
      command: leaveCall(patient),
      outcomes: live(
        ParticipantNotPresentError,
        ParticipantNotPresentError,
        ParticipantNotPresentError,
      ),
    },
    ExpireDisconnectedParticipant: {
      // A timer: on a finished call (where nobody is disconnected any more) it does nothing.
      command: expireDisconnected(PATIENT_ID),
      outcomes: {
        NONE: CallNotFoundError,
        SCHEDULED: 'nothing',
        RINGING: 'nothing',
        IN_PROGRESS: 'nothing',
        ENDED: 'nothing',
        CANCELLED: 'nothing',
        DECLINED: 'nothing',
        MISSED: 'nothing',
        FAILED: 'nothing',
      },
    },
    UpdateMedia: {
      command: updateMedia(patient, { video: false }),
      outcomes: live(
        CallNotJoinableError,
        ParticipantNotConnectedError,
        ParticipantNotConnectedError,
      ),
    },
    GiveRecordingConsent: {
      command: giveConsent(patient),
      outcomes: live('accepts', 'accepts', 'accepts'),
    },
    WithdrawRecordingConsent: {
      command: withdrawConsent(patient),
      outcomes: live('nothing', 'nothing', 'nothing'),
    },
    StartRecording: {
      command: startRecording(provider),
      outcomes: live(CallNotInProgressError, CallNotInProgressError, RecordingConsentMissingError),
    },
    StopRecording: {
      // Not refused as ALREADY_FINISHED: it answers about the recording itself.
      command: stopRecording(provider),
      outcomes: {
        NONE: CallNotFoundError,
        SCHEDULED: RecordingNotFoundError,
        RINGING: RecordingNotFoundError,
        IN_PROGRESS: RecordingNotFoundError,
        ENDED: RecordingNotFoundError,
        CANCELLED: RecordingNotFoundError,
        DECLINED: RecordingNotFoundError,
        MISSED: RecordingNotFoundError,
        FAILED: RecordingNotFoundError,
      },
    },
    // The recording's media, retention and hold: they answer about the recording itself.
    CompleteRecordingUpload: { command: completeUpload(), outcomes: noRecording },
    FailRecording: {
      command: command('FailRecording', { recordingId: 'rec-1', reason: 'upload_timeout' }, system),
      outcomes: noRecording,
    },
    PurgeRecording: {
      command: command('PurgeRecording', { recordingId: 'rec-1' }, system),
      outcomes: noRecording,
    },
    RotateRecordingKey: {
      command: command(
        'RotateRecordingKey',
        { recordingId: 'rec-1', fromKeyId: 'kek-old', toKeyId: 'kek-new', storageKey: 'k2' },
        system,
      ),
      outcomes: noRecording,
    },
    SetRecordingLegalHold: {
      command: command('SetRecordingLegalHold', { recordingId: 'rec-1' }, admin),
      outcomes: noRecording,
    },
    ReleaseRecordingLegalHold: {
      command: command('ReleaseRecordingLegalHold', { recordingId: 'rec-1' }, admin),
      outcomes: noRecording,
    },
    RecordQualityDegradation: {
      command: recordQualityDegradation(system),
      outcomes: live(CallNotInProgressError, CallNotInProgressError, 'accepts'),
    },
  };

const cells = STATUSES.flatMap((status) =>
  Object.entries(matrix).map(([type, row]) => ({
    status,
    type,
    command: row.command,
    outcome: row.outcomes[status],
  })),
);

describe('every command in every status (the right actor, an empty room)', () => {
  it('covers 9 statuses x 26 commands', () => {
    expect(STATUSES).toHaveLength(9);
    expect(Object.keys(matrix)).toHaveLength(26);
  });

  describe.each(STATUSES)('given a %s call', (status) => {
    it.each(cells.filter((cell) => cell.status === status))(
      '$type -> $outcome.name',
      ({ command: sent, outcome }) => {
        if (outcome === 'accepts') {
          const state = foldEvents(callDecider, HISTORIES[status]);
          expect(callDecider.decide(sent, state).length).toBeGreaterThan(0);
        } else if (outcome === 'nothing') {
          spec.given(HISTORIES[status]).when(sent).thenNothing();
        } else {
          spec.given(HISTORIES[status]).when(sent).thenThrows(outcome);
        }
      },
    );
  });
});

/**
 * Who may not send what: strangers to the call (users of the system who are neither its provider
 * nor its patient), the system where a person must act, and the wrong party.
 */
describe('the wrong actor', () => {
  const liveStatuses = ['SCHEDULED', 'RINGING', 'IN_PROGRESS'] as const;

  type Case = { name: string; build: (actor: Actor) => CallCommand; systemOnly: boolean };
  const cases: Case[] = [
    { name: 'RingScheduledCall', build: (a) => ringScheduledCall(a), systemOnly: false },
    { name: 'AnswerCall', build: (a) => answerCall(a), systemOnly: false },
    { name: 'DeclineCall', build: (a) => declineCall(a), systemOnly: false },
    { name: 'CancelCall', build: (a) => cancelCall(a), systemOnly: false },
    { name: 'EndCall', build: (a) => endCall(a), systemOnly: false },
    { name: 'MarkCallMissed', build: (a) => markCallMissed(a), systemOnly: true },
    { name: 'MarkCallFailed', build: (a) => markCallFailed(a), systemOnly: false },
    { name: 'JoinCall', build: (a) => joinCall(a), systemOnly: false },
    { name: 'MarkParticipantConnected', build: (a) => markConnected(a), systemOnly: false },
    {
      name: 'DisconnectParticipant',
      build: (a) => disconnectParticipant(PATIENT_ID, undefined, a),
      systemOnly: true,
    },
    { name: 'ReconnectParticipant', build: (a) => reconnectParticipant(a), systemOnly: false },
    { name: 'LeaveCall', build: (a) => leaveCall(a), systemOnly: false },
    {
      name: 'ExpireDisconnectedParticipant',
      build: (a) => expireDisconnected(PATIENT_ID, undefined, undefined, a),
      systemOnly: true,
    },
    { name: 'UpdateMedia', build: (a) => updateMedia(a, { audio: false }), systemOnly: false },
    { name: 'GiveRecordingConsent', build: (a) => giveConsent(a), systemOnly: false },
    { name: 'WithdrawRecordingConsent', build: (a) => withdrawConsent(a), systemOnly: false },
    { name: 'StartRecording', build: (a) => startRecording(a), systemOnly: false },
    { name: 'StopRecording', build: (a) => stopRecording(a), systemOnly: false },
    {
      name: 'RecordQualityDegradation',
      build: (a) => recordQualityDegradation(a, a.userId),
      systemOnly: false,
    },
  ];

  describe.each(liveStatuses)('given a %s call', (status) => {
    describe.each([
      ['another provider', otherProvider],
      ['another patient', otherPatient],
      ['an admin', admin],
    ] as const)('%s', (_label, stranger) => {
      it.each(cases)('is refused $name', ({ build, systemOnly }) => {
        const expected: ErrorClass = systemOnly ? SystemOnlyError : NotCallPartyError;
        spec.given(HISTORIES[status]).when(build(stranger)).thenThrows(expected);
      });
    });

    it.each(cases.filter((c) => c.systemOnly))(
      "refuses the call's own parties $name (system only)",
      ({ build }) => {
        spec.given(HISTORIES[status]).when(build(provider)).thenThrows(SystemOnlyError);
        spec.given(HISTORIES[status]).when(build(patient)).thenThrows(SystemOnlyError);
      },
    );

    const personOnly = cases.filter(
      // The system also fails calls, reports quality and rings a scheduled call at its time.
      (c) =>
        !c.systemOnly &&
        c.name !== 'MarkCallFailed' &&
        c.name !== 'RecordQualityDegradation' &&
        c.name !== 'RingScheduledCall',
    );
    it.each(personOnly)('refuses the system $name (a person must act)', ({ build }) => {
      spec.given(HISTORIES[status]).when(build(system)).thenThrows(NotCallPartyError);
    });
  });

  describe('the other party', () => {
    it('the callee cannot ring a scheduled call', () => {
      spec
        .given(HISTORIES.SCHEDULED)
        .when(ringScheduledCall(patient))
        .thenThrows(NotInitiatorError);
    });
    it('the initiator cannot answer', () => {
      spec.given(HISTORIES.RINGING).when(answerCall(provider)).thenThrows(NotCalleeError);
    });
    it('the initiator cannot decline', () => {
      spec.given(HISTORIES.RINGING).when(declineCall(provider)).thenThrows(NotCalleeError);
    });
    it('the callee cannot cancel', () => {
      spec.given(HISTORIES.RINGING).when(cancelCall(patient)).thenThrows(NotInitiatorError);
      spec.given(HISTORIES.SCHEDULED).when(cancelCall(patient)).thenThrows(NotInitiatorError);
    });
    it('the patient cannot start or stop a recording', () => {
      spec
        .given(HISTORIES.IN_PROGRESS)
        .when(startRecording(patient))
        .thenThrows(RecordingProviderOnlyError, 'RECORDING.PROVIDER_ONLY');
      spec
        .given(HISTORIES.IN_PROGRESS)
        .when(stopRecording(patient))
        .thenThrows(RecordingProviderOnlyError);
    });
    it('a party cannot report quality for the other party', () => {
      spec
        .given(HISTORIES.IN_PROGRESS)
        .when(recordQualityDegradation(patient, PROVIDER_ID))
        .thenThrows(NotSelfError, 'PARTICIPANT.NOT_SELF');
    });
  });

  it('is told who may act before being told the call is finished', () => {
    spec.given(HISTORIES.ENDED).when(endCall(otherProvider)).thenThrows(NotCallPartyError);
    spec.given(HISTORIES.CANCELLED).when(answerCall(provider)).thenThrows(NotCalleeError);
    spec.given(HISTORIES.MISSED).when(markCallMissed(patient)).thenThrows(SystemOnlyError);
  });

  it('a command with made-up data still goes through the same gate', () => {
    const forged = command('JoinCall', {}, { userId: 'constructor', role: 'patient' });
    spec.given(HISTORIES.RINGING).when(forged).thenThrows(NotCallPartyError);
  });
});
