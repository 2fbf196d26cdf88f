import {
  CallAlreadyFinishedError,
  CallNotFoundError,
  CallNotJoinableError,
  ParticipantNotConnectedError,
} from './call.errors.js';
import { isCallParty } from './call.parties.js';
import { isFinished, participantOf, type CallState, type ParticipantState } from './call.state.js';

/**
 * A reconnect from a participant the call still has in the room (JOINING or CONNECTED) resumes on
 * the new socket and records nothing: the old socket dropped unnoticed (a dead socket shows only
 * after the ping timeout), and the new one must not be refused for being too quick.
 */
export function resumesInPlace(state: CallState, userId: string): boolean {
  if (state.status === 'NONE' || isFinished(state)) return false;
  const participant = participantOf(state, userId);
  return participant?.status === 'JOINING' || participant?.status === 'CONNECTED';
}

/**
 * Only a party in the room (JOINING or CONNECTED) of a ringing or running call reports connection
 * quality; a stranger is told the call does not exist. Answers the reporting participant.
 */
export function assertMayReportQuality(
  state: CallState,
  userId: string,
  callId: string,
): ParticipantState {
  if (state.status === 'NONE' || !isCallParty(state, userId)) {
    throw new CallNotFoundError(callId);
  }
  if (isFinished(state)) throw new CallAlreadyFinishedError(callId, state.status);
  if (state.status !== 'RINGING' && state.status !== 'IN_PROGRESS') {
    throw new CallNotJoinableError(callId, state.status);
  }
  const participant = participantOf(state, userId);
  if (participant?.status !== 'JOINING' && participant?.status !== 'CONNECTED') {
    throw new ParticipantNotConnectedError(userId, participant?.status ?? 'INVITED');
  }
  return participant;
}

/**
 * A participant's peer connection was reported `failed` at `failedAt`; the reconnect grace has
 * passed since. The failure stands (the call is to be marked FAILED) if the call still runs, the
 * participant is still in the room, and no report since said their link was up (`linkUpAt`, the
 * last report that did). A participant who dropped meanwhile is the reconnect grace's to handle.
 */
export function connectionFailureStands(
  state: CallState,
  userId: string,
  failedAt: string,
  linkUpAt: string | null,
): boolean {
  if (state.status !== 'IN_PROGRESS') return false;
  const participant = participantOf(state, userId);
  if (participant?.status !== 'JOINING' && participant?.status !== 'CONNECTED') return false;
  return linkUpAt === null || Date.parse(linkUpAt) <= Date.parse(failedAt);
}
