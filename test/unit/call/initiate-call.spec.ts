import { MAX_SCHEDULE_AHEAD_DAYS } from '../../../src/domain/call/call.decide.lifecycle.js';
import {
  CallAlreadyExistsError,
  CallInitiatorMismatchError,
  PatientInitiationDisabledError,
  RoleCannotInitiateError,
  ScheduledInPastError,
  ScheduledTooFarAheadError,
  SelfCallError,
} from '../../../src/domain/call/call.errors.js';
import { DEFAULT_MEDIA } from '../../../src/domain/call/call.values.js';
import {
  CALL_ID,
  HISTORIES,
  PATIENT_ID,
  PROVIDER_ID,
  T0,
  admin,
  analyst,
  at,
  auditor,
  callInitiated,
  initiateCall,
  otherPatient,
  otherProvider,
  patient,
  spec,
  system,
} from './call.fixtures.js';

describe('InitiateCall', () => {
  describe('given no call (NONE)', () => {
    const given = spec.given([]);

    it('a provider calling a patient now makes the call ring', () => {
      given.when(initiateCall()).then([callInitiated()]);
    });

    it('carries the call type, recording switch and reason as given', () => {
      given
        .when(initiateCall({ type: 'AUDIO', recordingEnabled: false, reason: null }))
        .then([callInitiated({ type: 'AUDIO', recordingEnabled: false, reason: null })]);
      given
        .when(initiateCall({ type: 'SCREEN_SHARE' }))
        .then([callInitiated({ type: 'SCREEN_SHARE' })]);
    });

    it('is SCHEDULED when scheduledAt is strictly after now', () => {
      given
        .when(initiateCall({ scheduledAt: at(0.001) }))
        .then([callInitiated({ status: 'SCHEDULED', scheduledAt: at(0.001) })]);
    });

    it('rings at once when scheduledAt is now', () => {
      given
        .when(initiateCall({ scheduledAt: T0 }))
        .then([callInitiated({ status: 'RINGING', scheduledAt: T0 })]);
    });

    it('refuses scheduledAt in the past, or more than a year ahead', () => {
      given
        .when(initiateCall({ scheduledAt: at(-0.001) }))
        .thenThrows(ScheduledInPastError, 'CALL.SCHEDULED_IN_PAST');
      given.when(initiateCall({ scheduledAt: at(MAX_SCHEDULE_AHEAD_DAYS * 86_400) })).then([
        callInitiated({
          status: 'SCHEDULED',
          scheduledAt: at(MAX_SCHEDULE_AHEAD_DAYS * 86_400),
        }),
      ]);
      given
        .when(initiateCall({ scheduledAt: at(MAX_SCHEDULE_AHEAD_DAYS * 86_400 + 1) }))
        .thenThrows(ScheduledTooFarAheadError, 'CALL.SCHEDULED_TOO_FAR_AHEAD');
    });

    it('invites both provider and patient, with default media and no consent', () => {
      given.when(initiateCall()).thenState((state) => {
        expect(state).toMatchObject({
          status: 'RINGING',
          callId: CALL_ID,
          initiatorId: PROVIDER_ID,
          calleeId: PATIENT_ID,
          initiatedAt: T0,
          startedAt: null,
          endedAt: null,
          recordings: {},
          activeRecordingId: null,
        });
        if (state.status === 'NONE') throw new Error('expected a call');
        expect(state.participants).toEqual({
          [PROVIDER_ID]: {
            userId: PROVIDER_ID,
            role: 'provider',
            status: 'INVITED',
            joinedAt: null,
            disconnectedAt: null,
            leftAt: null,
            media: DEFAULT_MEDIA,
            consented: false,
          },
          [PATIENT_ID]: {
            userId: PATIENT_ID,
            role: 'patient',
            status: 'INVITED',
            joinedAt: null,
            disconnectedAt: null,
            leftAt: null,
            media: DEFAULT_MEDIA,
            consented: false,
          },
        });
      });
    });

    describe('patient initiation', () => {
      it('is allowed when configured: the patient initiates, the provider is the callee', () => {
        given
          .when(initiateCall({ patientsMayInitiate: true }, patient))
          .then([callInitiated({ initiatorId: PATIENT_ID, calleeId: PROVIDER_ID })]);
      });

      it('is refused when not configured', () => {
        given
          .when(initiateCall({ patientsMayInitiate: false }, patient))
          .thenThrows(PatientInitiationDisabledError, 'CALL.PATIENT_INITIATION_DISABLED');
      });

      it('is refused in another patient’s name', () => {
        given
          .when(initiateCall({ patientsMayInitiate: true }, otherPatient))
          .thenThrows(CallInitiatorMismatchError, 'CALL.INITIATOR_MISMATCH');
      });
    });

    it('refuses a provider initiating in another provider’s name', () => {
      given
        .when(initiateCall({}, otherProvider))
        .thenThrows(CallInitiatorMismatchError, 'CALL.INITIATOR_MISMATCH');
    });

    it('refuses a self-call, whoever sends it', () => {
      given.when(initiateCall({ patientId: PROVIDER_ID })).thenThrows(SelfCallError, (error) => {
        expect(error.code).toBe('CALL.SELF_CALL');
        expect(error.kind).toBe('invalid');
      });
      given
        .when(initiateCall({ providerId: PATIENT_ID, patientsMayInitiate: true }, patient))
        .thenThrows(SelfCallError);
    });

    it.each([
      ['admin', admin],
      ['auditor', auditor],
      ['analyst', analyst],
      ['system', system],
    ] as const)('refuses the %s role', (_role, actor) => {
      given.when(initiateCall({}, actor)).thenThrows(RoleCannotInitiateError, (error) => {
        expect(error.code).toBe('CALL.ROLE_CANNOT_INITIATE');
        expect(error.kind).toBe('forbidden');
      });
    });
  });

  describe('given a call that already exists', () => {
    it.each(Object.keys(HISTORIES).filter((status) => status !== 'NONE'))(
      'refuses to initiate it again when %s',
      (status) => {
        spec
          .given(HISTORIES[status as keyof typeof HISTORIES])
          .when(initiateCall())
          .thenThrows(CallAlreadyExistsError, (error) => {
            expect(error.code).toBe('CALL.ALREADY_EXISTS');
            expect(error.kind).toBe('conflict');
            expect(error.message).toContain(CALL_ID);
          });
      },
    );
  });
});
