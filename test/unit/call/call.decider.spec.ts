import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as call from '../../../src/domain/call/index.js';
import {
  CALL_EVENT_TYPES,
  callDecider,
  callStreamId,
  decide,
  evolve,
  initialState,
  type CallEvent,
} from '../../../src/domain/call/index.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import {
  CALL_ID,
  HISTORIES,
  PATIENT_ID,
  STATUSES,
  at,
  callAnswered,
  callEnded,
  callInitiated,
  consentGiven,
  participantJoined,
  qualityDegraded,
  recordingStopped,
  ringingStarted,
  spec,
} from './call.fixtures.js';

describe('the call decider', () => {
  it('is initialState, evolve and decide, and stores each event with its current schema version', () => {
    expect(callDecider).toEqual({
      initialState,
      evolve,
      decide,
      schemaVersionOf: expect.any(Function),
    });
    expect(callDecider.schemaVersionOf?.('CallAnswered')).toBe(1);
    expect(callDecider.schemaVersionOf?.('ParticipantDisconnected')).toBe(2);
  });

  it('starts from NONE', () => {
    expect(callDecider.initialState()).toEqual({ status: 'NONE' });
  });

  it('names the stream call-<callId>', () => {
    expect(callStreamId(CALL_ID)).toBe(`call-${CALL_ID}`);
  });

  it('reaches each of the 9 statuses from its history', () => {
    for (const status of STATUSES) {
      expect(spec.given(HISTORIES[status]).state().status).toBe(status);
    }
  });

  it('lists every event type it can emit', () => {
    expect(new Set(CALL_EVENT_TYPES).size).toBe(25);
  });

  it('keeps event data plain JSON: it survives a JSON round trip unchanged', () => {
    const events = [...HISTORIES.ENDED, qualityDegraded()];
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  it('every error is a DomainError with a DOMAIN.WHAT code, listed in docs/errors.md', () => {
    const errorClasses = (Object.values(call) as unknown[]).filter(
      (value): value is new (...args: never[]) => DomainError =>
        typeof value === 'function' && value.prototype instanceof DomainError,
    );
    const codes = errorClasses.map((errorClass) => {
      const construct = errorClass as unknown as new (...args: unknown[]) => DomainError;
      const instance =
        errorClass === call.RecordingConsentMissingError
          ? new construct(['user-1'])
          : new construct('id-1', 'STATUS');
      expect(instance.code).toMatch(/^(CALL|PARTICIPANT|RECORDING)\.[A-Z_]+$/);
      expect(['conflict', 'forbidden', 'not_found', 'invalid']).toContain(instance.kind);
      expect(instance.name).toBe(errorClass.name);
      expect(instance.message).toMatch(/^[A-Z].*\.$/);
      return instance.code;
    });
    expect(new Set(codes).size).toBe(codes.length);

    // docs/errors.md also lists the application's codes; that every listed code exists is
    // checked by error-codes-documented.spec.ts.
    const doc = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8');
    const listed = new Set(
      [...doc.matchAll(/^\|\s*`([A-Z_]+\.[A-Z_]+)`/gm)].map((match) => match[1]),
    );
    expect(codes.filter((code) => !listed.has(code))).toEqual([]);
  });

  describe('evolve', () => {
    it('does not mutate the state it is given', () => {
      const before = spec.given([callInitiated()]).state();
      const snapshot = JSON.parse(JSON.stringify(before));
      evolve(before, participantJoined(PATIENT_ID));
      evolve(before, consentGiven(PATIENT_ID));
      expect(before).toEqual(snapshot);
    });

    it('ignores events that cannot apply to the current status (decide never emits them)', () => {
      const ended = spec.given(HISTORIES.ENDED).state();
      const stray: CallEvent[] = [
        callInitiated(),
        ringingStarted(),
        callAnswered(at(900)),
        callEnded(at(999), 989),
        recordingStopped('stopped_by_user', at(999), 1, 'x', 'rec-unknown'),
        participantJoined('patient-2'),
      ];
      for (const event of stray) expect(evolve(ended, event)).toBe(ended);
      expect(evolve(initialState(), callAnswered())).toEqual({ status: 'NONE' });
    });
  });
});
