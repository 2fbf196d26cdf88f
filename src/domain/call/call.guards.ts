import type { Actor } from '../shared/actor.js';
import type { CallCommand } from './call.commands.js';
import {
  CallAlreadyFinishedError,
  CallNotJoinableError,
  NotCallPartyError,
  NotCalleeError,
  NotInitiatorError,
  RecordingAdminOnlyError,
  RecordingNotFoundError,
  RecordingProviderOnlyError,
  SystemOnlyError,
  UnknownParticipantError,
} from './call.errors.js';
import {
  isFinished,
  participantOf,
  recordingOf,
  type ExistingCall,
  type LiveCall,
  type ParticipantState,
  type RecordingState,
} from './call.state.js';

// The rules every call command checks in the same order (see `decide`): who, and in which state.

export function requireParty(call: ExistingCall, actor: Actor): ParticipantState {
  const participant = actor.role === 'system' ? undefined : participantOf(call, actor.userId);
  if (participant === undefined) throw new NotCallPartyError(call.callId, actor.userId);
  return participant;
}

export function requireSystem(commandType: CallCommand['type'], actor: Actor): void {
  if (actor.role !== 'system') throw new SystemOnlyError(commandType);
}

export function requireSystemOrParty(call: ExistingCall, actor: Actor): void {
  if (actor.role !== 'system') requireParty(call, actor);
}

export function requireCallee(call: ExistingCall, actor: Actor): void {
  requireParty(call, actor);
  if (actor.userId !== call.calleeId) throw new NotCalleeError(call.callId, actor.userId);
}

export function requireInitiator(call: ExistingCall, actor: Actor): void {
  requireParty(call, actor);
  if (actor.userId !== call.initiatorId) throw new NotInitiatorError(call.callId, actor.userId);
}

export function requireProvider(call: ExistingCall, actor: Actor): void {
  requireParty(call, actor);
  if (actor.userId !== call.providerId) throw new RecordingProviderOnlyError(call.callId);
}

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new RecordingAdminOnlyError();
}

export function requireRecording(call: ExistingCall, recordingId: string): RecordingState {
  const recording = recordingOf(call, recordingId);
  if (recording === undefined) throw new RecordingNotFoundError(recordingId);
  return recording;
}

/** For system commands that name a user. */
export function requireParticipant(call: ExistingCall, userId: string): ParticipantState {
  const participant = participantOf(call, userId);
  if (participant === undefined) throw new UnknownParticipantError(call.callId, userId);
  return participant;
}

export function requireNotFinished(call: ExistingCall): asserts call is LiveCall {
  if (isFinished(call)) throw new CallAlreadyFinishedError(call.callId, call.status);
}

export function requireJoinable(call: LiveCall): void {
  if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') {
    throw new CallNotJoinableError(call.callId, call.status);
  }
}

/** The grace includes its last instant: reconnecting exactly `graceSeconds` later still counts. */
export function withinGrace(
  participant: ParticipantState,
  now: string,
  graceSeconds: number,
): boolean {
  const disconnectedAt = participant.disconnectedAt ?? now;
  return Date.parse(now) - Date.parse(disconnectedAt) <= graceSeconds * 1000;
}
