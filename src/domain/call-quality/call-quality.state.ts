import type { CallQualityEvent, QualitySampleRecorded } from './call-quality.events.js';
import {
  CONNECTED_STATES,
  DEGRADATION_WINDOW,
  type ConnectionState,
} from './call-quality.values.js';

/** What a degradation warning quotes of a sample. */
export type WindowSample = Pick<
  QualitySampleRecorded['data'],
  'sampledAt' | 'rttMs' | 'jitterMs' | 'packetLossPct' | 'mos' | 'poor'
>;

export type ParticipantQuality = {
  /** The last DEGRADATION_WINDOW.size samples, oldest first. */
  readonly window: readonly WindowSample[];
  readonly sampleCount: number;
  /** Whether a warning stands (raised and the window has not recovered since). */
  readonly alerting: boolean;
  /** `sampleCount` when the standing warning was raised; null when none stands. */
  readonly alertRaisedAtSample: number | null;
  /** When a sample last said their peer connection was up (media flowing); null if none did. */
  readonly linkUpAt: string | null;
};

/** Keyed by user id (a Map: ids never meet Object.prototype). */
export type CallQualityState = {
  readonly participants: ReadonlyMap<string, ParticipantQuality>;
};

export const initialCallQualityState = (): CallQualityState => ({ participants: new Map() });

const NO_SAMPLES: ParticipantQuality = {
  window: [],
  sampleCount: 0,
  alerting: false,
  alertRaisedAtSample: null,
  linkUpAt: null,
};

/** Whether a reported connection state is one in which media flows. */
export function reportsLinkUp(connectionState: string | null): boolean {
  return (
    connectionState !== null &&
    (CONNECTED_STATES as readonly string[]).includes(connectionState as ConnectionState)
  );
}

export function participantQuality(state: CallQualityState, userId: string): ParticipantQuality {
  return state.participants.get(userId) ?? NO_SAMPLES;
}

export function poorCount(window: readonly WindowSample[]): number {
  return window.filter((sample) => sample.poor).length;
}

/**
 * "3 of the last 5 samples poor" raises a warning; it stands until the window is back to at most
 * one poor sample, and only then can a new one be raised (see DEGRADATION_WINDOW).
 */
export function evolveCallQuality(
  state: CallQualityState,
  event: CallQualityEvent,
): CallQualityState {
  switch (event.type) {
    case 'QualitySampleRecorded': {
      const { userId, sampledAt, rttMs, jitterMs, packetLossPct, mos, poor, connectionState } =
        event.data;
      const before = participantQuality(state, userId);
      const window = [
        ...before.window,
        { sampledAt, rttMs, jitterMs, packetLossPct, mos, poor },
      ].slice(-DEGRADATION_WINDOW.size);
      const sampleCount = before.sampleCount + 1;
      const poorSamples = poorCount(window);
      let { alerting, alertRaisedAtSample } = before;
      if (!alerting && poorSamples >= DEGRADATION_WINDOW.raiseAt) {
        alerting = true;
        alertRaisedAtSample = sampleCount;
      } else if (alerting && poorSamples <= DEGRADATION_WINDOW.clearAt) {
        alerting = false;
        alertRaisedAtSample = null;
      }
      const participants = new Map(state.participants);
      const linkUpAt = reportsLinkUp(connectionState) ? sampledAt : before.linkUpAt;
      participants.set(userId, { window, sampleCount, alerting, alertRaisedAtSample, linkUpAt });
      return { participants };
    }
    default: {
      const unexpected: never = event.type;
      throw new Error(`Unexpected quality event ${String(unexpected)}`);
    }
  }
}

/**
 * Whether this participant's latest sample raised a quality warning: the moment to record the
 * degradation on the call and tell the participant and the clinician. Later poor samples of the
 * same bad spell answer false.
 */
export function warningRaisedByLatestSample(state: CallQualityState, userId: string): boolean {
  const quality = participantQuality(state, userId);
  return quality.alerting && quality.alertRaisedAtSample === quality.sampleCount;
}
