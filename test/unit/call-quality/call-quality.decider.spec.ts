import {
  callQualityDecider,
  callQualityStreamId,
} from '../../../src/domain/call-quality/call-quality.decider.js';
import type { RecordQualitySample } from '../../../src/domain/call-quality/call-quality.commands.js';
import {
  InvalidQualitySampleError,
  SystemQualitySampleError,
} from '../../../src/domain/call-quality/call-quality.errors.js';
import type { QualitySampleRecorded } from '../../../src/domain/call-quality/call-quality.events.js';
import {
  participantQuality,
  warningRaisedByLatestSample,
  type CallQualityState,
} from '../../../src/domain/call-quality/call-quality.state.js';
import { SYSTEM_ACTOR, type Actor } from '../../../src/domain/shared/actor.js';
import { DeciderSpecification } from '../../support/decider-spec.js';

const CALL_ID = '11111111-1111-4111-8111-111111111111';
const PATIENT: Actor = { userId: 'patient-1', role: 'patient' };
const PROVIDER: Actor = { userId: 'provider-1', role: 'provider' };
const spec = DeciderSpecification.for(callQualityDecider);

const at = (second: number): string => new Date(Date.UTC(2026, 0, 5, 9, 0, second)).toISOString();

const GOOD = { rttMs: 80, jitterMs: 2, packetLossPct: 0.5 };
const POOR = { rttMs: 120, jitterMs: 8, packetLossPct: 6 };

function report(
  metrics: { rttMs: number; jitterMs: number; packetLossPct: number },
  second = 0,
  actor: Actor = PATIENT,
  extra: Partial<RecordQualitySample['data']> = {},
): RecordQualitySample {
  return {
    type: 'RecordQualitySample',
    data: {
      callId: CALL_ID,
      ...metrics,
      bitrateKbps: null,
      candidateType: null,
      connectionState: null,
      ...extra,
    },
    metadata: { actor, now: at(second) },
  };
}

/** The event a report records, as the decider computes it (used to build histories). */
function recorded(command: RecordQualitySample): QualitySampleRecorded {
  const [event] = callQualityDecider.decide(command, callQualityDecider.initialState());
  if (!event) throw new Error('no event');
  return event;
}

/** Folds reports one by one and tells after each whether it raised a warning. */
function warnings(samples: ReadonlyArray<typeof GOOD>, actor: Actor = PATIENT): boolean[] {
  let state: CallQualityState = callQualityDecider.initialState();
  return samples.map((metrics, index) => {
    state = callQualityDecider.evolve(state, recorded(report(metrics, index * 10, actor)));
    return warningRaisedByLatestSample(state, actor.userId);
  });
}

describe('the call-quality decider (stream callquality-<callId>)', () => {
  it('names its stream after the call', () => {
    expect(callQualityStreamId(CALL_ID)).toBe(`callquality-${CALL_ID}`);
  });

  describe('RecordQualitySample', () => {
    it('records the sample with its MOS, whether it is poor, and what the link uses', () => {
      spec
        .given([])
        .when(
          report({ rttMs: 100, jitterMs: 10, packetLossPct: 1 }, 7, PATIENT, {
            bitrateKbps: 1500,
            candidateType: 'relay',
            connectionState: 'connected',
          }),
        )
        .then([
          {
            type: 'QualitySampleRecorded',
            data: {
              callId: CALL_ID,
              userId: PATIENT.userId,
              sampledAt: at(7),
              rttMs: 100,
              jitterMs: 10,
              packetLossPct: 1,
              bitrateKbps: 1500,
              mos: 4.31,
              candidateType: 'relay',
              connectionState: 'connected',
              poor: false,
            },
          },
        ]);
    });

    it('marks a poor sample', () => {
      const [event] = callQualityDecider.decide(report(POOR), callQualityDecider.initialState());
      expect(event?.data).toMatchObject({ poor: true, packetLossPct: 6 });
    });

    it('records the reporter as the actor, never anyone else', () => {
      const [event] = callQualityDecider.decide(
        report(GOOD, 0, PROVIDER),
        callQualityDecider.initialState(),
      );
      expect(event?.data.userId).toBe(PROVIDER.userId);
    });

    it('keeps recording whatever came before', () => {
      spec
        .given([recorded(report(POOR, 0)), recorded(report(POOR, 10)), recorded(report(POOR, 20))])
        .when(report(POOR, 30))
        .thenState((state) =>
          expect(participantQuality(state, PATIENT.userId).sampleCount).toBe(4),
        );
    });

    it.each([
      ['a negative RTT', { ...GOOD, rttMs: -1 }, 'rttMs'],
      ['an infinite jitter', { ...GOOD, jitterMs: Number.POSITIVE_INFINITY }, 'jitterMs'],
      ['a loss above 100 %', { ...GOOD, packetLossPct: 101 }, 'packetLossPct'],
      ['a NaN loss', { ...GOOD, packetLossPct: Number.NaN }, 'packetLossPct'],
    ])('refuses %s', (_case, metrics, field) => {
      spec
        .given([])
        .when(report(metrics))
        .thenThrows(InvalidQualitySampleError, (error) => {
          expect(error.code).toBe('QUALITY.INVALID_SAMPLE');
          expect(error.message).toContain(field);
        });
    });

    it('refuses a negative bitrate', () => {
      spec
        .given([])
        .when(report(GOOD, 0, PATIENT, { bitrateKbps: -5 }))
        .thenThrows(InvalidQualitySampleError, 'QUALITY.INVALID_SAMPLE');
    });

    it('refuses a sample from the system: only participants measure their link', () => {
      spec
        .given([])
        .when(report(GOOD, 0, SYSTEM_ACTOR))
        .thenThrows(SystemQualitySampleError, 'QUALITY.SYSTEM_SAMPLE');
    });
  });

  describe('degradation: 3 poor of the last 5 samples', () => {
    it('raises a warning on the third poor sample of five', () => {
      expect(warnings([POOR, GOOD, POOR, GOOD, POOR])).toEqual([false, false, false, false, true]);
    });

    it('does not count poor samples that left the window', () => {
      expect(warnings([POOR, POOR, GOOD, GOOD, GOOD, GOOD, POOR])).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
    });

    it('warns once per bad spell, not on every later poor sample', () => {
      expect(warnings([POOR, POOR, POOR, POOR, POOR, POOR, POOR])).toEqual([
        false,
        false,
        true,
        false,
        false,
        false,
        false,
      ]);
    });

    it('does not warn again while the link hovers around the threshold', () => {
      // The window dips to 2 poor of 5 and back to 3: still the same spell.
      expect(warnings([POOR, POOR, POOR, GOOD, GOOD, POOR, POOR, GOOD])).toEqual([
        false,
        false,
        true,
        false,
        false,
        false,
        false,
        false,
      ]);
    });

    it('warns again once the window has recovered to at most one poor sample', () => {
      const spell = [POOR, POOR, POOR];
      const recovery = [GOOD, GOOD, GOOD, GOOD];
      expect(warnings([...spell, ...recovery, ...spell])).toEqual([
        false,
        false,
        true,
        false,
        false,
        false,
        false,
        false,
        false,
        true,
      ]);
    });

    it('judges each participant on their own samples', () => {
      let state = callQualityDecider.initialState();
      for (const [index, actor] of [PATIENT, PROVIDER, PATIENT, PROVIDER, PATIENT].entries()) {
        state = callQualityDecider.evolve(state, recorded(report(POOR, index, actor)));
      }
      expect(warningRaisedByLatestSample(state, PATIENT.userId)).toBe(true);
      expect(warningRaisedByLatestSample(state, PROVIDER.userId)).toBe(false);
      expect(participantQuality(state, PROVIDER.userId).window).toHaveLength(2);
    });

    it('keeps the last five samples for the warning to quote', () => {
      let state = callQualityDecider.initialState();
      for (let second = 0; second < 7; second++) {
        state = callQualityDecider.evolve(state, recorded(report(POOR, second * 10)));
      }
      const { window } = participantQuality(state, PATIENT.userId);
      expect(window.map((sample) => sample.sampledAt)).toEqual([20, 30, 40, 50, 60].map(at));
      expect(window[0]).toEqual({
        sampledAt: at(20),
        rttMs: 120,
        jitterMs: 8,
        packetLossPct: 6,
        mos: expect.any(Number),
        poor: true,
      });
    });

    it('remembers when each participant last reported their link up', () => {
      const states = [
        [0, 'connected'],
        [10, 'failed'],
        [20, null],
        [30, 'completed'],
        [40, 'disconnected'],
      ] as const;
      let state = callQualityDecider.initialState();
      const seen: Array<string | null> = [];
      for (const [second, connectionState] of states) {
        state = callQualityDecider.evolve(
          state,
          recorded(report(GOOD, second, PATIENT, { connectionState })),
        );
        seen.push(participantQuality(state, PATIENT.userId).linkUpAt);
      }
      expect(seen).toEqual([at(0), at(0), at(0), at(30), at(30)]);
      expect(participantQuality(state, PROVIDER.userId).linkUpAt).toBeNull();
    });

    it('a user without samples has no warning', () => {
      expect(warningRaisedByLatestSample(callQualityDecider.initialState(), 'nobody')).toBe(false);
    });
  });
});
