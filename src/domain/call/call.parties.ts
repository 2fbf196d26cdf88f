import type { Actor } from '../shared/actor.js';
import { CallNotFoundError } from './call.errors.js';
import type { CallState } from './call.state.js';

/** The two people a call is between; a decided state or a read-model row alike. */
export interface CallParties {
  readonly providerId: string;
  readonly patientId: string;
}

export function isCallParty(call: CallParties, userId: string): boolean {
  return call.providerId === userId || call.patientId === userId;
}

/**
 * Who is told a call exists when they send it a command: its parties and the system. Admins are
 * parties to no call, yet place its recordings under legal hold, so they see every existing call;
 * everyone else is told it does not exist (no probing by id). A call nobody created is left to the
 * decider, which starts calls on an empty stream and refuses everything else there.
 */
export function requireCallVisibleTo(state: CallState, actor: Actor, callId: string): void {
  if (actor.role === 'system') return;
  if (actor.role === 'admin') {
    if (state.status === 'NONE') throw new CallNotFoundError(callId);
    return;
  }
  if (state.status !== 'NONE' && !isCallParty(state, actor.userId)) {
    throw new CallNotFoundError(callId);
  }
}

/** How a user may read a call: as a party, as an auditor or admin whose read is recorded, or not. */
export type CallReadAccess = 'party' | 'audited' | 'none';

/** Only auditors and admins read other people's calls, and every such read is recorded. */
export function callReadAccess(call: CallParties, actor: Actor): CallReadAccess {
  if (isCallParty(call, actor.userId)) return 'party';
  return readsAreAudited(actor) ? 'audited' : 'none';
}

export function readsAreAudited(actor: Actor): boolean {
  return actor.role === 'auditor' || actor.role === 'admin';
}
