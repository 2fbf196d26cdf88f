import {
  CallNotJoinableError,
  ParticipantNotConnectedError,
} from '../../../src/domain/call/call.errors.js';
import {
  PATIENT_ID,
  PROVIDER_ID,
  at,
  callInitiated,
  callScheduled,
  inProgress,
  inProgressWithBothConnected,
  mediaUpdated,
  participantDisconnected,
  participantJoined,
  participantLeft,
  patient,
  provider,
  spec,
  updateMedia,
} from './call.fixtures.js';

describe('UpdateMedia', () => {
  describe('given an IN_PROGRESS call with both parties connected', () => {
    const given = spec.given(inProgressWithBothConnected());

    it('records the full media state after the change (defaults: video and audio on)', () => {
      given
        .when(updateMedia(patient, { video: false }, at(50)))
        .then([
          mediaUpdated(PATIENT_ID, { video: false, audio: true, screenShare: false }, at(50)),
        ]);
      given
        .when(updateMedia(provider, { screenShare: true, audio: false }, at(50)))
        .then([
          mediaUpdated(PROVIDER_ID, { video: true, audio: false, screenShare: true }, at(50)),
        ]);
    });

    it('an unchanged or empty update changes nothing', () => {
      given
        .when(updateMedia(patient, { video: true, audio: true, screenShare: false }))
        .thenNothing();
      given.when(updateMedia(patient, {})).thenNothing();
    });

    it('builds on the previous change', () => {
      spec
        .given([
          ...inProgressWithBothConnected(),
          mediaUpdated(PATIENT_ID, { video: false, audio: true, screenShare: false }, at(50)),
        ])
        .when(updateMedia(patient, { audio: false }, at(60)))
        .then([
          mediaUpdated(PATIENT_ID, { video: false, audio: false, screenShare: false }, at(60)),
        ]);
      spec
        .given([
          ...inProgressWithBothConnected(),
          mediaUpdated(PATIENT_ID, { video: false, audio: true, screenShare: false }, at(50)),
        ])
        .when(updateMedia(patient, { video: false }, at(60)))
        .thenNothing();
    });

    it('changes only the sender’s own media', () => {
      given.when(updateMedia(patient, { video: false })).thenState((state) => {
        if (state.status === 'NONE') throw new Error('expected a call');
        expect(state.participants[PROVIDER_ID]?.media).toEqual({
          video: true,
          audio: true,
          screenShare: false,
        });
        expect(state.participants[PATIENT_ID]?.media).toEqual({
          video: false,
          audio: true,
          screenShare: false,
        });
      });
    });
  });

  it('a JOINING participant may already set their media', () => {
    spec
      .given([...inProgress(), participantJoined(PATIENT_ID, at(11))])
      .when(updateMedia(patient, { video: false }, at(12)))
      .then([mediaUpdated(PATIENT_ID, { video: false, audio: true, screenShare: false }, at(12))]);
  });

  it('works while RINGING (the caller waiting in the room)', () => {
    spec
      .given([callInitiated(), participantJoined(PROVIDER_ID, at(1))])
      .when(updateMedia(provider, { video: false }, at(2)))
      .then([mediaUpdated(PROVIDER_ID, { video: false, audio: true, screenShare: false }, at(2))]);
  });

  it('is refused for a participant who is not in the room, or whose connection dropped', () => {
    spec
      .given(inProgress())
      .when(updateMedia(patient, { video: false }))
      .thenThrows(ParticipantNotConnectedError, 'PARTICIPANT.NOT_CONNECTED');
    spec
      .given([...inProgressWithBothConnected(), participantDisconnected(PATIENT_ID, at(40))])
      .when(updateMedia(patient, { video: false }))
      .thenThrows(ParticipantNotConnectedError);
    spec
      .given([...inProgressWithBothConnected(), participantLeft(PATIENT_ID, at(40))])
      .when(updateMedia(patient, { video: false }))
      .thenThrows(ParticipantNotConnectedError);
  });

  it('is refused on a SCHEDULED call', () => {
    spec
      .given([callScheduled()])
      .when(updateMedia(provider, { video: false }))
      .thenThrows(CallNotJoinableError, 'CALL.NOT_JOINABLE');
  });
});
