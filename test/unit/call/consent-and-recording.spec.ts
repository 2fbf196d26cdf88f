import {
  CallAlreadyFinishedError,
  NotCallPartyError,
  RecordingAlreadyActiveError,
  RecordingConsentMissingError,
  RecordingDisabledError,
  RecordingDuplicateIdError,
  RecordingNotActiveError,
  RecordingNotFoundError,
} from '../../../src/domain/call/call.errors.js';
import type { CallState } from '../../../src/domain/call/call.state.js';
import {
  PATIENT_ID,
  PROVIDER_ID,
  at,
  callAnswered,
  callEnded,
  callInitiated,
  callScheduled,
  consentGiven,
  consentWithdrawn,
  giveConsent,
  inProgress,
  inProgressWithBothConnected,
  joinCall,
  otherPatient,
  participantConnected,
  participantJoined,
  participantLeft,
  patient,
  provider,
  recordingInProgress,
  recordingStarted,
  recordingStopped,
  spec,
  startRecording,
  stopRecording,
  withdrawConsent,
} from './call.fixtures.js';

function consents(state: CallState): Record<string, boolean> {
  if (state.status === 'NONE') throw new Error('expected a call');
  return Object.fromEntries(
    Object.values(state.participants).map((participant) => [
      participant.userId,
      participant.consented,
    ]),
  );
}

describe('recording consent', () => {
  describe.each([
    ['SCHEDULED', [callScheduled()]],
    ['RINGING', [callInitiated()]],
    ['IN_PROGRESS', inProgress()],
  ] as const)('given a %s call', (_status, history) => {
    it('each party consents for themselves, whether or not they joined', () => {
      spec
        .given(history)
        .when(giveConsent(patient, at(30)))
        .then([consentGiven(PATIENT_ID, at(30))]);
      spec
        .given(history)
        .when(giveConsent(provider, at(30)))
        .then([consentGiven(PROVIDER_ID, at(30))]);
    });

    it('nobody consents for another: the provider’s consent leaves the patient’s untouched', () => {
      spec
        .given(history)
        .when(giveConsent(provider))
        .thenState((state) =>
          expect(consents(state)).toEqual({ [PROVIDER_ID]: true, [PATIENT_ID]: false }),
        );
    });

    it('a stranger cannot consent', () => {
      spec.given(history).when(giveConsent(otherPatient)).thenThrows(NotCallPartyError);
    });

    it('giving consent twice changes nothing', () => {
      spec
        .given([...history, consentGiven(PATIENT_ID)])
        .when(giveConsent(patient))
        .thenNothing();
    });

    it('withdrawing consent never given changes nothing', () => {
      spec.given(history).when(withdrawConsent(patient)).thenNothing();
    });

    it('consent can be withdrawn and given again', () => {
      spec
        .given([...history, consentGiven(PATIENT_ID)])
        .when(withdrawConsent(patient, at(35)))
        .then([consentWithdrawn(PATIENT_ID, at(35))]);
      spec
        .given([...history, consentGiven(PATIENT_ID), consentWithdrawn(PATIENT_ID, at(35))])
        .when(giveConsent(patient, at(36)))
        .then([consentGiven(PATIENT_ID, at(36))]);
    });
  });

  it('is refused once the call is finished', () => {
    spec
      .given([...inProgress(), callEnded()])
      .when(giveConsent(patient))
      .thenThrows(CallAlreadyFinishedError, 'CALL.ALREADY_FINISHED');
  });
});

describe('given an IN_PROGRESS call: starting a recording', () => {
  const bothConsented = () => [
    ...inProgressWithBothConnected(),
    consentGiven(PROVIDER_ID),
    consentGiven(PATIENT_ID),
  ];

  it('the provider starts it once everyone in the room has consented', () => {
    spec
      .given(bothConsented())
      .when(startRecording(provider, 'rec-1', at(40)))
      .then([recordingStarted('rec-1', at(40), [PROVIDER_ID, PATIENT_ID])]);
    spec
      .given(bothConsented())
      .when(startRecording(provider, 'rec-1', at(40)))
      .thenState((state) => {
        if (state.status !== 'IN_PROGRESS') throw new Error('expected IN_PROGRESS');
        expect(state.activeRecordingId).toBe('rec-1');
        expect(state.recordings['rec-1']).toEqual({
          recordingId: 'rec-1',
          status: 'RECORDING',
          startedBy: PROVIDER_ID,
          startedAt: at(40),
          consentedParticipants: [PROVIDER_ID, PATIENT_ID],
          stoppedAt: null,
          stoppedBy: null,
          stopReason: null,
          durationSeconds: null,
          media: null,
          failedAt: null,
          failureReason: null,
          legalHold: false,
          purgedAt: null,
        });
      });
  });

  it('asking to record is not consent: the provider has to consent too', () => {
    const error = spec
      .given([...inProgressWithBothConnected(), consentGiven(PATIENT_ID)])
      .when(startRecording())
      .thenThrows(RecordingConsentMissingError, 'RECORDING.CONSENT_MISSING');
    expect(error.details).toEqual({ missing: [PROVIDER_ID] });
  });

  it('names everyone who has not consented, provider first', () => {
    const error = spec
      .given(inProgressWithBothConnected())
      .when(startRecording())
      .thenThrows(RecordingConsentMissingError);
    expect(error.kind).toBe('conflict');
    expect(error.details.missing).toEqual([PROVIDER_ID, PATIENT_ID]);
    expect(error.missing).toEqual([PROVIDER_ID, PATIENT_ID]);
    expect(error.message).toContain(PROVIDER_ID);
    expect(error.message).toContain(PATIENT_ID);
  });

  it('a call run over REST alone (nobody joined) needs both consents', () => {
    const error = spec
      .given([...inProgress(), consentGiven(PROVIDER_ID)])
      .when(startRecording())
      .thenThrows(RecordingConsentMissingError);
    expect(error.details.missing).toEqual([PATIENT_ID]);
    spec
      .given([...inProgress(), consentGiven(PROVIDER_ID), consentGiven(PATIENT_ID)])
      .when(startRecording())
      .then([recordingStarted()]);
  });

  it('a party who has not joined yet still counts (stricter than "everyone CONNECTED")', () => {
    const providerOnlyInRoom = [
      ...inProgress(),
      participantJoined(PROVIDER_ID, at(11)),
      participantConnected(PROVIDER_ID, at(12)),
      consentGiven(PROVIDER_ID),
    ];
    spec
      .given(providerOnlyInRoom)
      .when(startRecording())
      .thenThrows(RecordingConsentMissingError, (error) =>
        expect(error.details.missing).toEqual([PATIENT_ID]),
      );
  });

  it('a party who left does not block it', () => {
    spec
      .given([
        ...inProgressWithBothConnected(),
        consentGiven(PROVIDER_ID),
        participantLeft(PATIENT_ID, at(35)),
      ])
      .when(startRecording())
      .then([recordingStarted('rec-1', at(40), [PROVIDER_ID])]);
  });

  it('is refused when the call was initiated without recording', () => {
    spec
      .given([
        callInitiated({ recordingEnabled: false }),
        callAnswered(),
        consentGiven(PROVIDER_ID),
        consentGiven(PATIENT_ID),
      ])
      .when(startRecording())
      .thenThrows(RecordingDisabledError, 'RECORDING.DISABLED');
  });

  it('is refused while another recording runs', () => {
    spec
      .given(recordingInProgress())
      .when(startRecording(provider, 'rec-2'))
      .thenThrows(RecordingAlreadyActiveError, 'RECORDING.ALREADY_ACTIVE');
  });

  it('a second recording may follow the first, under a new id', () => {
    const afterFirst = [
      ...recordingInProgress(),
      recordingStopped('stopped_by_user', at(100), 60, PROVIDER_ID),
    ];
    spec
      .given(afterFirst)
      .when(startRecording(provider, 'rec-2', at(120)))
      .then([recordingStarted('rec-2', at(120))]);
    spec
      .given(afterFirst)
      .when(startRecording(provider, 'rec-1', at(120)))
      .thenThrows(RecordingDuplicateIdError, 'RECORDING.DUPLICATE_ID');
  });
});

describe('given a recording in progress', () => {
  describe('stopping it', () => {
    it('the provider stops it: duration in whole seconds', () => {
      spec
        .given(recordingInProgress())
        .when(stopRecording(provider, 'rec-1', at(400.5)))
        .then([recordingStopped('stopped_by_user', at(400.5), 361, PROVIDER_ID)]);
      spec
        .given(recordingInProgress())
        .when(stopRecording(provider, 'rec-1', at(400.4)))
        .then([recordingStopped('stopped_by_user', at(400.4), 360, PROVIDER_ID)]);
    });

    it('leaves the call running and the recording STOPPED', () => {
      spec
        .given(recordingInProgress())
        .when(stopRecording())
        .thenState((state) => {
          if (state.status !== 'IN_PROGRESS') throw new Error('expected IN_PROGRESS');
          expect(state.activeRecordingId).toBeNull();
          expect(state.recordings['rec-1']).toMatchObject({
            status: 'STOPPED',
            stoppedBy: PROVIDER_ID,
            stopReason: 'stopped_by_user',
            stoppedAt: at(400),
            durationSeconds: 360,
          });
        });
    });

    it('is refused for a recording already stopped, or one the call never had', () => {
      spec
        .given([
          ...recordingInProgress(),
          recordingStopped('stopped_by_user', at(100), 60, PROVIDER_ID),
        ])
        .when(stopRecording())
        .thenThrows(RecordingNotActiveError, 'RECORDING.NOT_ACTIVE');
      spec
        .given(recordingInProgress())
        .when(stopRecording(provider, 'rec-404'))
        .thenThrows(RecordingNotFoundError, (error) => {
          expect(error.code).toBe('RECORDING.NOT_FOUND');
          expect(error.kind).toBe('not_found');
        });
    });

    it('after the call ended (which stopped it), answers NOT_ACTIVE, not ALREADY_FINISHED', () => {
      spec
        .given([
          ...recordingInProgress(),
          recordingStopped('call_ended', at(610), 570),
          callEnded(),
        ])
        .when(stopRecording())
        .thenThrows(RecordingNotActiveError);
    });
  });

  describe('withdrawing consent', () => {
    it('the patient withdraws: the withdrawal, then the recording stops', () => {
      spec
        .given(recordingInProgress())
        .when(withdrawConsent(patient, at(300)))
        .then([
          consentWithdrawn(PATIENT_ID, at(300)),
          recordingStopped('consent_withdrawn', at(300), 260),
        ]);
    });

    it('the provider withdrawing stops it too', () => {
      spec
        .given(recordingInProgress())
        .when(withdrawConsent(provider, at(300)))
        .then([
          consentWithdrawn(PROVIDER_ID, at(300)),
          recordingStopped('consent_withdrawn', at(300), 260),
        ]);
    });

    it('a new recording then needs that consent again', () => {
      spec
        .given([
          ...recordingInProgress(),
          consentWithdrawn(PATIENT_ID, at(300)),
          recordingStopped('consent_withdrawn', at(300), 260),
        ])
        .when(startRecording(provider, 'rec-2', at(310)))
        .thenThrows(RecordingConsentMissingError, (error) =>
          expect(error.details.missing).toEqual([PATIENT_ID]),
        );
    });
  });

  describe('a participant joining without consent', () => {
    /** The patient left before the recording started, never having consented. */
    const recordedWhilePatientAway = () => [
      ...inProgressWithBothConnected(),
      consentGiven(PROVIDER_ID),
      participantLeft(PATIENT_ID, at(35)),
      recordingStarted('rec-1', at(40), [PROVIDER_ID]),
    ];

    it('joins, and the recording stops', () => {
      spec
        .given(recordedWhilePatientAway())
        .when(joinCall(patient, at(100)))
        .then([
          participantJoined(PATIENT_ID, at(100)),
          recordingStopped('participant_without_consent', at(100), 60),
        ]);
    });

    it('who consents before joining keeps it running', () => {
      spec
        .given([...recordedWhilePatientAway(), consentGiven(PATIENT_ID, at(90))])
        .when(joinCall(patient, at(100)))
        .then([participantJoined(PATIENT_ID, at(100))]);
    });

    it('a consented participant rejoining keeps it running', () => {
      spec
        .given([...recordingInProgress(), participantLeft(PATIENT_ID, at(50))])
        .when(joinCall(patient, at(60)))
        .then([participantJoined(PATIENT_ID, at(60))]);
    });
  });
});
