import type { SignalingClient } from '../signaling/signaling-client';
import type { CallViewStore } from './call-view';
import { qualityLevel, sampleConnection } from './connection-sample';
import type { PeerLink } from './peer-link';

const QUALITY_SAMPLE_MS = 2_000;
const QUALITY_REPORT_MS = 10_000;

/**
 * Reads the link's getStats for the quality indicator every 2 s, and reports it to the server
 * every 10 s (or when the server asks, or the link has just come up): the server warns about
 * a poor link from these reports.
 */
export class CallQualityMonitor {
  private samplingTimer: number | undefined;
  private reportTimer: number | undefined;
  /** Packet counters of the previous reading, for loss since then; only of the same link. */
  private counted: { link: PeerLink; lost: number; received: number } | null = null;

  constructor(
    private readonly callId: string,
    private readonly view: CallViewStore,
    private readonly signaling: SignalingClient,
    private readonly currentLink: () => PeerLink | null,
    private readonly isDisposed: () => boolean,
  ) {}

  start(): void {
    this.samplingTimer = window.setInterval(() => void this.sample(false), QUALITY_SAMPLE_MS);
    this.reportTimer = window.setInterval(() => void this.sample(true), QUALITY_REPORT_MS);
  }

  stop(): void {
    window.clearInterval(this.samplingTimer);
    window.clearInterval(this.reportTimer);
  }

  /** A reading now, reported to the server when `report`. */
  async sample(report: boolean): Promise<void> {
    const link = this.currentLink();
    if (!link || this.isDisposed()) return;
    const counters = this.counted?.link === link ? this.counted : null;
    const reading = await sampleConnection(
      link.connection,
      this.view.current.sample,
      counters,
    ).catch(() => null);
    if (!reading || this.currentLink() !== link) return;
    this.counted = { link, ...reading.counters };
    this.view.update({ sample: reading.sample, quality: qualityLevel(reading.sample) });
    if (!report) return;
    const { rttMs, jitterMs, packetLossPct, bitrateKbps, candidateType } = reading.sample;
    this.signaling
      .request('connection-quality', {
        callId: this.callId,
        rttMs,
        jitterMs,
        packetLossPct,
        bitrateKbps,
        candidateType,
        connectionState: link.connection.connectionState,
      })
      .catch(() => undefined);
  }
}
