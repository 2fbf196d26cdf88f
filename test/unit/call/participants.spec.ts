import {
  ParticipantAlreadyPresentError,
  ParticipantNotConnectedError,
  ParticipantNotDisconnectedError,
  ParticipantNotJoiningError,
  ParticipantNotPresentError,
  ReconnectGraceExpiredError,
  UnknownParticipantError,
} from '../../../src/domain/call/call.errors.js';
import type { CallEvent } from '../../../src/domain/call/call.events.js';
import type { CallState, ParticipantState } from '../../../src/domain/call/call.state.js';
import {
  PATIENT_ID,
  PROVIDER_ID,
  at,
  callAnswered,
  callEnded,
  callInitiated,
  disconnectParticipant,
  expireDisconnected,
  inProgress,
  inProgressWithBothConnected,
  joinCall,
  leaveCall,
  markConnected,
  callFailed,
  participantConnected,
  participantDisconnected,
  participantJoined,
  participantLeft,
  participantReconnected,
  patient,
  provider,
  reconnectParticipant,
  recordingInProgress,
  recordingStopped,
  spec,
} from './call.fixtures.js';

function participant(state: CallState, userId: string): ParticipantState {
  if (state.status === 'NONE') throw new Error('expected a call');
  const found = state.participants[userId];
  if (found === undefined) throw new Error(`no participant ${userId}`);
  return found;
}

/** In progress; the patient's connection dropped at T0+100 s, the provider is still connected. */
const patientDisconnected = (): CallEvent[] => [
  ...inProgressWithBothConnected(),
  participantDisconnected(PATIENT_ID, at(100)),
];

describe('given a RINGING call', () => {
  it('the caller joins and waits in the room: INVITED -> JOINING -> CONNECTED', () => {
    spec
      .given([callInitiated()])
      .when(joinCall(provider, at(1)))
      .then([participantJoined(PROVIDER_ID, at(1))]);
    spec
      .given([callInitiated(), participantJoined(PROVIDER_ID, at(1))])
      .when(markConnected(provider, at(2)))
      .then([participantConnected(PROVIDER_ID, at(2))]);
    spec
      .given([callInitiated(), participantJoined(PROVIDER_ID, at(1))])
      .when(markConnected(provider, at(2)))
      .thenState((state) =>
        expect(participant(state, PROVIDER_ID)).toMatchObject({
          status: 'CONNECTED',
          joinedAt: at(1),
        }),
      );
  });

  it('the callee may join before answering', () => {
    spec
      .given([callInitiated()])
      .when(joinCall(patient))
      .then([participantJoined(PATIENT_ID)]);
  });

  it('joining is once: not while JOINING, CONNECTED or DISCONNECTED', () => {
    const joined = [callInitiated(), participantJoined(PROVIDER_ID)];
    spec
      .given(joined)
      .when(joinCall(provider))
      .thenThrows(ParticipantAlreadyPresentError, 'PARTICIPANT.ALREADY_PRESENT');
    spec
      .given([...joined, participantConnected(PROVIDER_ID)])
      .when(joinCall(provider))
      .thenThrows(ParticipantAlreadyPresentError);
    spec
      .given([...joined, participantConnected(PROVIDER_ID), participantDisconnected(PROVIDER_ID)])
      .when(joinCall(provider, at(101)))
      .thenThrows(ParticipantAlreadyPresentError);
  });

  it('only a JOINING participant can be marked connected', () => {
    spec
      .given([callInitiated()])
      .when(markConnected(provider))
      .thenThrows(ParticipantNotJoiningError, 'PARTICIPANT.NOT_JOINING');
    spec
      .given([callInitiated(), participantJoined(PROVIDER_ID), participantConnected(PROVIDER_ID)])
      .when(markConnected(provider))
      .thenThrows(ParticipantNotJoiningError);
  });

  it('leaving a ringing call does not end it', () => {
    spec
      .given([callInitiated(), participantJoined(PROVIDER_ID), participantConnected(PROVIDER_ID)])
      .when(leaveCall(provider, at(5)))
      .then([participantLeft(PROVIDER_ID, at(5))]);
  });

  it('the last one leaving a ringing call does not end it either', () => {
    spec
      .given([callInitiated(), participantJoined(PROVIDER_ID)])
      .when(leaveCall(provider, at(5)))
      .thenState((state) => expect(state.status).toBe('RINGING'));
  });
});

describe('given an IN_PROGRESS call', () => {
  describe('joining', () => {
    it('works for both parties', () => {
      spec
        .given(inProgress())
        .when(joinCall(patient, at(11)))
        .then([participantJoined(PATIENT_ID, at(11))]);
      spec
        .given(inProgress())
        .when(joinCall(provider, at(11)))
        .then([participantJoined(PROVIDER_ID, at(11))]);
    });

    it('is optional: a call answered over REST runs with both parties still INVITED', () => {
      const state = spec.given(inProgress()).state();
      expect(state.status).toBe('IN_PROGRESS');
      expect(participant(state, PROVIDER_ID).status).toBe('INVITED');
      expect(participant(state, PATIENT_ID).status).toBe('INVITED');
    });

    it('a participant who left may join again', () => {
      spec
        .given([...inProgressWithBothConnected(), participantLeft(PATIENT_ID, at(50))])
        .when(joinCall(patient, at(60)))
        .then([participantJoined(PATIENT_ID, at(60))]);
      spec
        .given([...inProgressWithBothConnected(), participantLeft(PATIENT_ID, at(50))])
        .when(joinCall(patient, at(60)))
        .thenState((state) =>
          expect(participant(state, PATIENT_ID)).toMatchObject({
            status: 'JOINING',
            joinedAt: at(60),
            leftAt: null,
          }),
        );
    });
  });

  describe('disconnecting (the gateway, as the system)', () => {
    it('takes a CONNECTED or JOINING participant to DISCONNECTED', () => {
      spec
        .given(inProgressWithBothConnected())
        .when(disconnectParticipant(PATIENT_ID, at(100)))
        .then([participantDisconnected(PATIENT_ID, at(100))]);
      spec
        .given([...inProgress(), participantJoined(PATIENT_ID, at(11))])
        .when(disconnectParticipant(PATIENT_ID, at(12)))
        .then([participantDisconnected(PATIENT_ID, at(12))]);
      spec
        .given(inProgressWithBothConnected())
        .when(disconnectParticipant(PATIENT_ID, at(100)))
        .thenState((state) =>
          expect(participant(state, PATIENT_ID)).toMatchObject({
            status: 'DISCONNECTED',
            disconnectedAt: at(100),
          }),
        );
    });

    it('records why they dropped: their connection, or the instance holding it', () => {
      spec
        .given(inProgressWithBothConnected())
        .when(disconnectParticipant(PATIENT_ID, at(100), undefined, 'instance_lost'))
        .then([participantDisconnected(PATIENT_ID, at(100), 'instance_lost')]);
    });

    it('refuses someone not JOINING or CONNECTED', () => {
      spec
        .given(patientDisconnected())
        .when(disconnectParticipant(PATIENT_ID, at(101)))
        .thenThrows(ParticipantNotConnectedError, 'PARTICIPANT.NOT_CONNECTED');
      spec
        .given(inProgress())
        .when(disconnectParticipant(PATIENT_ID))
        .thenThrows(ParticipantNotConnectedError);
    });

    it('refuses a user who is not a participant', () => {
      spec
        .given(inProgress())
        .when(disconnectParticipant('patient-2'))
        .thenThrows(UnknownParticipantError, (error) => {
          expect(error.code).toBe('PARTICIPANT.UNKNOWN');
          expect(error.kind).toBe('invalid');
        });
    });
  });

  describe('reconnecting within the grace period', () => {
    it('brings a DISCONNECTED participant back to CONNECTED', () => {
      spec
        .given(patientDisconnected())
        .when(reconnectParticipant(patient, at(110)))
        .then([participantReconnected(PATIENT_ID, at(110))]);
      spec
        .given(patientDisconnected())
        .when(reconnectParticipant(patient, at(110)))
        .thenState((state) =>
          expect(participant(state, PATIENT_ID)).toMatchObject({
            status: 'CONNECTED',
            disconnectedAt: null,
          }),
        );
    });

    it('includes the last instant of the grace', () => {
      spec
        .given(patientDisconnected())
        .when(reconnectParticipant(patient, at(130), 30))
        .then([participantReconnected(PATIENT_ID, at(130))]);
    });

    it('is refused one millisecond after it', () => {
      spec
        .given(patientDisconnected())
        .when(reconnectParticipant(patient, at(130.001), 30))
        .thenThrows(ReconnectGraceExpiredError, (error) => {
          expect(error.code).toBe('PARTICIPANT.RECONNECT_GRACE_EXPIRED');
          expect(error.message).toContain('30 seconds');
        });
    });

    it('uses the grace the command brings', () => {
      spec
        .given(patientDisconnected())
        .when(reconnectParticipant(patient, at(111), 10))
        .thenThrows(ReconnectGraceExpiredError);
      spec
        .given(patientDisconnected())
        .when(reconnectParticipant(patient, at(110), 10))
        .then([participantReconnected(PATIENT_ID, at(110))]);
    });

    it('is refused for a participant who is not disconnected', () => {
      spec
        .given(inProgressWithBothConnected())
        .when(reconnectParticipant(patient))
        .thenThrows(ParticipantNotDisconnectedError, 'PARTICIPANT.NOT_DISCONNECTED');
      spec
        .given([...inProgressWithBothConnected(), participantLeft(PATIENT_ID, at(100))])
        .when(reconnectParticipant(patient))
        .thenThrows(ParticipantNotDisconnectedError);
    });
  });

  describe('leaving', () => {
    it('a CONNECTED, JOINING or DISCONNECTED participant leaves; the other stays', () => {
      spec
        .given(inProgressWithBothConnected())
        .when(leaveCall(patient, at(200)))
        .then([participantLeft(PATIENT_ID, at(200))]);
      spec
        .given([
          ...inProgressWithBothConnected(),
          participantLeft(PATIENT_ID, at(50)),
          participantJoined(PATIENT_ID, at(60)),
        ])
        .when(leaveCall(patient, at(200)))
        .then([participantLeft(PATIENT_ID, at(200))]);
      spec
        .given(patientDisconnected())
        .when(leaveCall(patient, at(105)))
        .then([participantLeft(PATIENT_ID, at(105))]);
    });

    it('refuses someone who is not in the room', () => {
      spec
        .given(inProgress())
        .when(leaveCall(patient))
        .thenThrows(ParticipantNotPresentError, 'PARTICIPANT.NOT_PRESENT');
      spec
        .given([...inProgressWithBothConnected(), participantLeft(PATIENT_ID, at(100))])
        .when(leaveCall(patient))
        .thenThrows(ParticipantNotPresentError);
    });

    it('the last one out ends the call: all_participants_left', () => {
      spec
        .given([...inProgressWithBothConnected(), participantLeft(PROVIDER_ID, at(300))])
        .when(leaveCall(patient, at(310)))
        .then([
          participantLeft(PATIENT_ID, at(310)),
          callEnded(at(310), 300, 'system', 'all_participants_left'),
        ]);
    });

    it('someone merely DISCONNECTED still counts as in the room', () => {
      spec
        .given(patientDisconnected())
        .when(leaveCall(provider, at(105)))
        .then([participantLeft(PROVIDER_ID, at(105))]);
    });

    it('the last one out of a recorded call stops the recording before the end', () => {
      spec
        .given([...recordingInProgress(), participantLeft(PROVIDER_ID, at(300))])
        .when(leaveCall(patient, at(310)))
        .then([
          participantLeft(PATIENT_ID, at(310)),
          recordingStopped('call_ended', at(310), 270),
          callEnded(at(310), 300, 'system', 'all_participants_left'),
        ]);
    });
  });

  describe('the reconnect-grace timer (ExpireDisconnectedParticipant)', () => {
    it('takes out a participant still disconnected after the grace', () => {
      spec
        .given(patientDisconnected())
        .when(expireDisconnected(PATIENT_ID, at(131), 30))
        .then([participantLeft(PATIENT_ID, at(131), 'reconnect_grace_expired')]);
    });

    it('does nothing at the last instant of the grace (the participant may still reconnect)', () => {
      spec
        .given(patientDisconnected())
        .when(expireDisconnected(PATIENT_ID, at(130), 30))
        .thenNothing();
    });

    it('does nothing when it fires late: reconnected, left, or never disconnected', () => {
      spec
        .given([...patientDisconnected(), participantReconnected(PATIENT_ID, at(110))])
        .when(expireDisconnected(PATIENT_ID, at(131)))
        .thenNothing();
      spec
        .given([...patientDisconnected(), participantLeft(PATIENT_ID, at(105))])
        .when(expireDisconnected(PATIENT_ID, at(131)))
        .thenNothing();
      spec.given(inProgressWithBothConnected()).when(expireDisconnected(PATIENT_ID)).thenNothing();
    });

    it('does nothing after the call finished', () => {
      spec
        .given([
          ...patientDisconnected(),
          callEnded(at(120), 110),
          participantLeft(PATIENT_ID, at(120), 'call_ended'),
        ])
        .when(expireDisconnected(PATIENT_ID, at(131)))
        .thenNothing();
    });

    it("fails the call when the last one is lost and nobody's media ever connected", () => {
      const neverConnected: CallEvent[] = [
        ...inProgress(),
        participantJoined(PROVIDER_ID, at(11)),
        participantJoined(PATIENT_ID, at(11)),
        participantLeft(PROVIDER_ID, at(90)),
        participantDisconnected(PATIENT_ID, at(100), 'instance_lost'),
      ];
      spec
        .given(neverConnected)
        .when(expireDisconnected(PATIENT_ID, at(131)))
        .then([
          participantLeft(PATIENT_ID, at(131), 'reconnect_grace_expired'),
          callFailed(at(131), 'never_connected', null),
        ]);
      // A reconnect resumes a socket, not media: still never connected.
      spec
        .given([
          ...neverConnected.slice(0, -1),
          participantDisconnected(PATIENT_ID, at(95)),
          participantReconnected(PATIENT_ID, at(97)),
          participantDisconnected(PATIENT_ID, at(100)),
        ])
        .when(expireDisconnected(PATIENT_ID, at(131)))
        .then([
          participantLeft(PATIENT_ID, at(131), 'reconnect_grace_expired'),
          callFailed(at(131), 'never_connected', null),
        ]);
      // Leaving on purpose is not a failure.
      spec
        .given(neverConnected.slice(0, -1))
        .when(leaveCall(patient, at(131)))
        .then([
          participantLeft(PATIENT_ID, at(131)),
          callEnded(at(131), 121, 'system', 'all_participants_left'),
        ]);
    });

    it('ends the call when the expired participant was the last one', () => {
      spec
        .given([...patientDisconnected(), participantLeft(PROVIDER_ID, at(105))])
        .when(expireDisconnected(PATIENT_ID, at(131)))
        .then([
          participantLeft(PATIENT_ID, at(131), 'reconnect_grace_expired'),
          callEnded(at(131), 121, 'system', 'all_participants_left'),
        ]);
    });

    it('refuses a user who is not a participant', () => {
      spec
        .given(patientDisconnected())
        .when(expireDisconnected('patient-2'))
        .thenThrows(UnknownParticipantError);
    });
  });

  it('a participant keeps their consent and media across leaving and joining again', () => {
    const history = [
      callInitiated(),
      callAnswered(),
      participantJoined(PATIENT_ID, at(11)),
      { type: 'RecordingConsentGiven', data: { userId: PATIENT_ID, at: at(12) } } as const,
      {
        type: 'ParticipantMediaUpdated',
        data: { userId: PATIENT_ID, video: false, audio: true, screenShare: false, at: at(13) },
      } as const,
      participantLeft(PATIENT_ID, at(14)),
    ];
    spec
      .given(history)
      .when(joinCall(patient, at(20)))
      .thenState((state) =>
        expect(participant(state, PATIENT_ID)).toMatchObject({
          status: 'JOINING',
          consented: true,
          media: { video: false, audio: true, screenShare: false },
        }),
      );
  });
});
