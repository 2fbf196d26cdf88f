import {
  CallNotInProgressError,
  UnknownParticipantError,
} from '../../../src/domain/call/call.errors.js';
import {
  PATIENT_ID,
  PROVIDER_ID,
  at,
  callInitiated,
  inProgressWithBothConnected,
  patient,
  provider,
  qualityDegraded,
  recordQualityDegradation,
  spec,
  system,
} from './call.fixtures.js';

describe('RecordQualityDegradation', () => {
  describe('given an IN_PROGRESS call', () => {
    const given = spec.given(inProgressWithBothConnected());

    it('the quality monitor (system) records a warning for a participant', () => {
      given
        .when(recordQualityDegradation(system, PATIENT_ID, at(90)))
        .then([qualityDegraded(PATIENT_ID, at(90))]);
    });

    it('a participant records one for themselves', () => {
      given
        .when(recordQualityDegradation(provider, PROVIDER_ID, at(90)))
        .then([qualityDegraded(PROVIDER_ID, at(90))]);
      given
        .when(recordQualityDegradation(patient, PATIENT_ID, at(90)))
        .then([qualityDegraded(PATIENT_ID, at(90))]);
    });

    it('changes no state', () => {
      const before = given.state();
      given.when(recordQualityDegradation()).thenState((after) => expect(after).toEqual(before));
    });

    it('refuses a user who is not a participant', () => {
      given
        .when(recordQualityDegradation(system, 'patient-2'))
        .thenThrows(UnknownParticipantError, 'PARTICIPANT.UNKNOWN');
    });
  });

  it('is refused while the call only rings', () => {
    spec
      .given([callInitiated()])
      .when(recordQualityDegradation())
      .thenThrows(CallNotInProgressError, 'CALL.NOT_IN_PROGRESS');
  });
});
