import type { Decider } from '../shared/decider.js';
import type { CallQualityCommand } from './call-quality.commands.js';
import { decideCallQuality } from './call-quality.decide.js';
import type { CallQualityEvent } from './call-quality.events.js';
import {
  evolveCallQuality,
  initialCallQualityState,
  type CallQualityState,
} from './call-quality.state.js';

/** The quality samples of one call: one stream per call, `callquality-<callId>`. */
export const callQualityDecider: Decider<CallQualityCommand, CallQualityEvent, CallQualityState> = {
  initialState: initialCallQualityState,
  evolve: evolveCallQuality,
  decide: decideCallQuality,
};

export const CALL_QUALITY_STREAM_PREFIX = 'callquality-';

export function callQualityStreamId(callId: string): string {
  return `${CALL_QUALITY_STREAM_PREFIX}${callId}`;
}
