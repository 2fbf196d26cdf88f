import {
  CallAlreadyFinishedError,
  CallNotFoundError,
  CallNotJoinableError,
  ParticipantNotConnectedError,
} from '../../../src/domain/call/call.errors.js';
import {
  callReadAccess,
  isCallParty,
  requireCallVisibleTo,
} from '../../../src/domain/call/call.parties.js';
import {
  assertMayReportQuality,
  connectionFailureStands,
  resumesInPlace,
} from '../../../src/domain/call/call.presence.js';
import type { CallEvent } from '../../../src/domain/call/call.events.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import {
  CALL_ID,
  HISTORIES,
  PATIENT_ID,
  PROVIDER_ID,
  TERMINAL_STATUSES,
  admin,
  analyst,
  at,
  auditor,
  callInitiated,
  callScheduled,
  inProgress,
  otherPatient,
  otherProvider,
  participantConnected,
  participantDisconnected,
  participantJoined,
  participantLeft,
  patient,
  provider,
  spec,
  system,
} from './call.fixtures.js';

const stateAfter = (events: readonly CallEvent[]) => spec.given(events).state();

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the rule to refuse');
}

describe('isCallParty', () => {
  const row = { providerId: PROVIDER_ID, patientId: PATIENT_ID };

  it('names the provider and the patient, on a decided state or a read-model row alike', () => {
    const call = stateAfter([callInitiated()]);
    if (call.status === 'NONE') throw new Error('the call should exist');
    expect(isCallParty(call, PROVIDER_ID)).toBe(true);
    expect(isCallParty(row, PATIENT_ID)).toBe(true);
  });

  it('names nobody else', () => {
    expect(isCallParty(row, otherProvider.userId)).toBe(false);
    expect(isCallParty(row, admin.userId)).toBe(false);
  });
});

describe('requireCallVisibleTo (a stranger is told the call does not exist)', () => {
  describe('given an existing call', () => {
    const call = stateAfter([callInitiated()]);

    it('lets its parties, the system and admins through', () => {
      for (const actor of [provider, patient, system, admin]) {
        expect(() => requireCallVisibleTo(call, actor, CALL_ID)).not.toThrow();
      }
    });

    it('tells everyone else CALL.NOT_FOUND, naming the call', () => {
      for (const actor of [otherProvider, otherPatient, auditor, analyst]) {
        const error = thrown(() => requireCallVisibleTo(call, actor, CALL_ID));
        expect(error).toBeInstanceOf(CallNotFoundError);
        expect((error as DomainError).message).toContain(CALL_ID);
      }
    });
  });

  describe('given no call', () => {
    const none = stateAfter([]);

    it('leaves the empty stream to the decider (which starts calls there)', () => {
      for (const actor of [provider, otherPatient, system]) {
        expect(() => requireCallVisibleTo(none, actor, CALL_ID)).not.toThrow();
      }
    });

    it('tells an admin CALL.NOT_FOUND, naming the call', () => {
      expect(thrown(() => requireCallVisibleTo(none, admin, CALL_ID))).toBeInstanceOf(
        CallNotFoundError,
      );
    });
  });
});

describe('callReadAccess', () => {
  const row = { providerId: PROVIDER_ID, patientId: PATIENT_ID };

  it('is a party read for the provider and the patient', () => {
    expect(callReadAccess(row, provider)).toBe('party');
    expect(callReadAccess(row, patient)).toBe('party');
  });

  it('is an audited read for auditors and admins', () => {
    expect(callReadAccess(row, auditor)).toBe('audited');
    expect(callReadAccess(row, admin)).toBe('audited');
  });

  it('is no read at all for anyone else', () => {
    for (const actor of [otherProvider, otherPatient, analyst]) {
      expect(callReadAccess(row, actor)).toBe('none');
    }
  });
});

describe('resumesInPlace (a reconnect that finds the participant still in the room)', () => {
  it('resumes a JOINING or CONNECTED participant of a live call', () => {
    expect(
      resumesInPlace(stateAfter([...inProgress(), participantJoined(PATIENT_ID)]), PATIENT_ID),
    ).toBe(true);
    expect(
      resumesInPlace(
        stateAfter([
          ...inProgress(),
          participantJoined(PATIENT_ID),
          participantConnected(PATIENT_ID),
        ]),
        PATIENT_ID,
      ),
    ).toBe(true);
  });

  it('leaves a DISCONNECTED, LEFT or INVITED participant to the decider', () => {
    const joined = [
      ...inProgress(),
      participantJoined(PATIENT_ID),
      participantConnected(PATIENT_ID),
    ];
    expect(
      resumesInPlace(stateAfter([...joined, participantDisconnected(PATIENT_ID)]), PATIENT_ID),
    ).toBe(false);
    expect(
      resumesInPlace(stateAfter([...joined, participantLeft(PATIENT_ID, at(200))]), PATIENT_ID),
    ).toBe(false);
    expect(resumesInPlace(stateAfter(inProgress()), PATIENT_ID)).toBe(false);
  });

  it('never resumes on a finished call or no call', () => {
    for (const status of TERMINAL_STATUSES) {
      expect(resumesInPlace(stateAfter(HISTORIES[status]), PROVIDER_ID)).toBe(false);
    }
    expect(resumesInPlace(stateAfter([]), PATIENT_ID)).toBe(false);
  });
});

describe('assertMayReportQuality', () => {
  it('answers the reporting participant while they are in the room of a live call', () => {
    const state = stateAfter([callInitiated(), participantJoined(PROVIDER_ID)]);
    expect(assertMayReportQuality(state, PROVIDER_ID, CALL_ID)).toMatchObject({
      userId: PROVIDER_ID,
      status: 'JOINING',
    });
  });

  it('tells a stranger, or anyone asking about no call, CALL.NOT_FOUND', () => {
    const state = stateAfter([callInitiated(), participantJoined(PROVIDER_ID)]);
    expect(
      thrown(() => assertMayReportQuality(state, otherPatient.userId, CALL_ID)),
    ).toBeInstanceOf(CallNotFoundError);
    expect(
      thrown(() => assertMayReportQuality(stateAfter([]), PROVIDER_ID, CALL_ID)),
    ).toBeInstanceOf(CallNotFoundError);
  });

  it('refuses a finished call with CALL.ALREADY_FINISHED', () => {
    for (const status of TERMINAL_STATUSES) {
      expect(
        thrown(() => assertMayReportQuality(stateAfter(HISTORIES[status]), PROVIDER_ID, CALL_ID)),
      ).toBeInstanceOf(CallAlreadyFinishedError);
    }
  });

  it('refuses a scheduled call with CALL.NOT_JOINABLE', () => {
    expect(
      thrown(() => assertMayReportQuality(stateAfter([callScheduled()]), PROVIDER_ID, CALL_ID)),
    ).toBeInstanceOf(CallNotJoinableError);
  });

  it('refuses a party who is not in the room with PARTICIPANT.NOT_CONNECTED', () => {
    const error = thrown(() =>
      assertMayReportQuality(stateAfter(inProgress()), PATIENT_ID, CALL_ID),
    );
    expect(error).toBeInstanceOf(ParticipantNotConnectedError);
  });
});

describe('a reported connection failure, once the grace has passed', () => {
  const running: CallEvent[] = [
    ...inProgress(),
    participantJoined(PATIENT_ID, at(11)),
    participantConnected(PATIENT_ID, at(12)),
  ];
  const failedAt = at(20);

  it('stands when nothing since said the link was up again', () => {
    expect(connectionFailureStands(stateAfter(running), PATIENT_ID, failedAt, null)).toBe(true);
    expect(connectionFailureStands(stateAfter(running), PATIENT_ID, failedAt, at(12))).toBe(true);
    expect(connectionFailureStands(stateAfter(running), PATIENT_ID, failedAt, failedAt)).toBe(true);
  });

  it('does not stand once the link was reported up after the failure', () => {
    expect(connectionFailureStands(stateAfter(running), PATIENT_ID, failedAt, at(25))).toBe(false);
  });

  it('is moot for a participant out of the room, or a call no longer in progress', () => {
    const dropped = [...running, participantDisconnected(PATIENT_ID, at(22))];
    expect(connectionFailureStands(stateAfter(dropped), PATIENT_ID, failedAt, null)).toBe(false);
    const left = [...running, participantLeft(PATIENT_ID, at(22))];
    expect(connectionFailureStands(stateAfter(left), PATIENT_ID, failedAt, null)).toBe(false);
    for (const history of TERMINAL_STATUSES.map((status) => HISTORIES[status])) {
      expect(connectionFailureStands(stateAfter(history), PATIENT_ID, failedAt, null)).toBe(false);
    }
  });
});
