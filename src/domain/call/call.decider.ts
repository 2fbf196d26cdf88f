import type { Decider } from '../shared/decider.js';
import type { CallCommand } from './call.commands.js';
import { decide } from './call.decide.js';
import type { CallEvent } from './call.events.js';
import { evolve } from './call.evolve.js';
import { initialState, type CallState } from './call.state.js';
import { CALL_EVENT_SCHEMAS } from './parse-call-event.js';

/** The call aggregate: one stream per call, `call-<callId>`. */
export const callDecider: Decider<CallCommand, CallEvent, CallState> = {
  initialState,
  evolve,
  decide,
  schemaVersionOf: (type) => CALL_EVENT_SCHEMAS[type].version,
};

export const CALL_STREAM_PREFIX = 'call-';

export function callStreamId(callId: string): string {
  return `${CALL_STREAM_PREFIX}${callId}`;
}
