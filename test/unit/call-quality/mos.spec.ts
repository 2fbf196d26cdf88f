import {
  isPoorSample,
  meanOpinionScore,
  rFactor,
  roundMos,
} from '../../../src/domain/call-quality/mos.js';

const metrics = (rttMs: number, jitterMs: number, packetLossPct: number) => ({
  rttMs,
  jitterMs,
  packetLossPct,
});

describe('MOS by the simplified E-model', () => {
  it.each([
    // rtt, jitter, loss%, R, MOS (two decimals)
    [0, 0, 0, 94.518, 4.43],
    [80, 2, 0.5, 91.168, 4.37],
    [100, 10, 1, 89.018, 4.31],
    [300, 20, 0, 71.768, 3.68],
    [200, 40, 5, 65.268, 3.37],
    [350, 30, 3, 57.268, 2.96],
    [600, 50, 10, 10.768, 1.05],
  ])(
    'rtt %p ms, jitter %p ms, loss %p %% -> R %p, MOS %p',
    (rtt, jitter, loss, expectedR, expectedMos) => {
      expect(rFactor(metrics(rtt, jitter, loss))).toBeCloseTo(expectedR, 3);
      expect(roundMos(meanOpinionScore(metrics(rtt, jitter, loss)))).toBe(expectedMos);
    },
  );

  it('uses the gentle slope below an effective latency of 160 ms and the steep one above', () => {
    // Le = rtt + 2 * jitter + 10: 150 ms of RTT is exactly Le 160, where both branches meet.
    expect(rFactor(metrics(149, 0, 0))).toBeCloseTo(94.768 - 159 / 40, 6);
    expect(rFactor(metrics(150, 0, 0))).toBeCloseTo(90.768, 6);
    expect(rFactor(metrics(250, 0, 0))).toBeCloseTo(94.768 - (260 - 120) / 10, 6);
  });

  it('never lets R go below 0 nor the MOS below 1', () => {
    expect(rFactor(metrics(20, 5, 40))).toBe(0);
    expect(meanOpinionScore(metrics(20, 5, 40))).toBe(1);
    expect(meanOpinionScore(metrics(60_000, 60_000, 100))).toBe(1);
  });

  it('loses 2.5 points of R per percent of packet loss', () => {
    expect(rFactor(metrics(0, 0, 0)) - rFactor(metrics(0, 0, 2))).toBeCloseTo(5, 6);
  });
});

describe('poor samples', () => {
  it('a clean link is not poor', () => {
    expect(isPoorSample(metrics(80, 2, 0.5))).toBe(false);
  });

  it.each([
    ['packet loss above 3 %', metrics(20, 1, 3.5)],
    ['RTT above 400 ms', metrics(401, 0, 0)],
    ['jitter above 30 ms', metrics(20, 31, 0)],
    ['a MOS below 3.1 with every metric within its own limit', metrics(350, 30, 3)],
  ])('%s is poor', (_reason, sample) => {
    expect(isPoorSample(sample)).toBe(true);
  });

  it('the thresholds themselves are not poor', () => {
    expect(isPoorSample(metrics(400, 0, 0))).toBe(false);
    expect(isPoorSample(metrics(20, 30, 0))).toBe(false);
    expect(isPoorSample(metrics(20, 0, 3))).toBe(false);
  });
});
