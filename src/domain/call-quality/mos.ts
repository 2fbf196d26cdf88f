import { POOR_SAMPLE_THRESHOLDS } from './call-quality.values.js';

export interface NetworkMetrics {
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly packetLossPct: number;
}

/**
 * The R factor of the simplified E-model (ITU-T G.107 as commonly reduced for VoIP monitoring):
 *
 *   Le = rtt + 2 * jitter + 10
 *   R  = 94.768 - Le / 40            if Le < 160
 *   R  = 94.768 - (Le - 120) / 10    otherwise
 *   R  = max(R - 2.5 * loss%, 0)
 */
export function rFactor({ rttMs, jitterMs, packetLossPct }: NetworkMetrics): number {
  const effectiveLatency = rttMs + 2 * jitterMs + 10;
  const r =
    effectiveLatency < 160
      ? 94.768 - effectiveLatency / 40
      : 94.768 - (effectiveLatency - 120) / 10;
  return Math.max(r - 2.5 * packetLossPct, 0);
}

/**
 * Mean opinion score, 1 (bad) .. about 4.4 (the best this model gives):
 * MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R). Not rounded; see `roundMos`.
 */
export function meanOpinionScore(metrics: NetworkMetrics): number {
  const r = rFactor(metrics);
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.min(Math.max(mos, 1), 5);
}

/** Two decimals, as the ledger stores it. */
export function roundMos(mos: number): number {
  return Math.round(mos * 100) / 100;
}

/** Loss above 3 %, RTT above 400 ms, jitter above 30 ms or a MOS below 3.1. */
export function isPoorSample(metrics: NetworkMetrics, mos = meanOpinionScore(metrics)): boolean {
  return (
    metrics.packetLossPct > POOR_SAMPLE_THRESHOLDS.packetLossPct ||
    metrics.rttMs > POOR_SAMPLE_THRESHOLDS.rttMs ||
    metrics.jitterMs > POOR_SAMPLE_THRESHOLDS.jitterMs ||
    mos < POOR_SAMPLE_THRESHOLDS.minMos
  );
}
