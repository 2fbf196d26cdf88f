import type {
  AnswerCall,
  CancelCall,
  DeclineCall,
  EndCall,
  InitiateCall,
  MarkCallFailed,
  MarkCallMissed,
  RingScheduledCall,
} from './call.commands.js';
import {
  CallAlreadyExistsError,
  CallNotCancellableError,
  CallNotInProgressError,
  CallNotLiveError,
  CallNotRingingError,
  CallNotScheduledError,
  ScheduledInPastError,
  ScheduledTooFarAheadError,
  SelfCallError,
} from './call.errors.js';
import type { CallEvent, CallFinished } from './call.events.js';
import {
  requireParty,
  requireSystem,
  requireSystemOrParty,
  requireCallee,
  requireInitiator,
  requireNotFinished,
} from './call.guards.js';
import { closeCall } from './call.closing.js';
import { requireMayInitiate } from './call.initiation.js';
import { secondsBetween, type CallState, type ExistingCall } from './call.state.js';

// How a call starts, rings, is answered and finishes: the call's own lifecycle.

export function initiateCall(command: InitiateCall, state: CallState): CallEvent[] {
  const { data } = command;
  const { actor, now } = command.metadata;
  if (state.status !== 'NONE') throw new CallAlreadyExistsError(state.callId);
  if (data.providerId === data.patientId) throw new SelfCallError();

  requireMayInitiate(actor, data, data.patientsMayInitiate);

  const initiatorId = actor.userId;
  const scheduled = data.scheduledAt !== null && isScheduledAhead(data.scheduledAt, now);
  return [
    {
      type: 'CallInitiated',
      data: {
        callId: data.callId,
        type: data.type,
        providerId: data.providerId,
        patientId: data.patientId,
        initiatorId,
        calleeId: initiatorId === data.providerId ? data.patientId : data.providerId,
        status: scheduled ? 'SCHEDULED' : 'RINGING',
        scheduledAt: data.scheduledAt,
        recordingEnabled: data.recordingEnabled,
        reason: data.reason,
        initiatedAt: now,
      },
    },
  ];
}

/** How far ahead a call may be scheduled: beyond it, the date is more likely a typo than a plan. */
export const MAX_SCHEDULE_AHEAD_DAYS = 365;

/** True when the call waits for its time; false when it is now (it rings at once). */
function isScheduledAhead(scheduledAt: string, now: string): boolean {
  const delayMs = Date.parse(scheduledAt) - Date.parse(now);
  if (Number.isNaN(delayMs) || delayMs < 0) throw new ScheduledInPastError();
  if (delayMs > MAX_SCHEDULE_AHEAD_DAYS * 86_400_000) {
    throw new ScheduledTooFarAheadError(MAX_SCHEDULE_AHEAD_DAYS);
  }
  return delayMs > 0;
}

/** Rung by its timer (the system) at `scheduledAt`, or earlier by its initiator. */
export function ringScheduledCall(command: RingScheduledCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  if (actor.role !== 'system') requireInitiator(call, actor);
  requireNotFinished(call);
  if (call.status !== 'SCHEDULED') throw new CallNotScheduledError(call.callId, call.status);
  return [{ type: 'CallRingingStarted', data: { at: now } }];
}

export function answerCall(command: AnswerCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireCallee(call, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING') throw new CallNotRingingError(call.callId, call.status);
  return [{ type: 'CallAnswered', data: { answeredBy: actor.userId, startedAt: now } }];
}

export function declineCall(command: DeclineCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireCallee(call, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING') throw new CallNotRingingError(call.callId, call.status);
  const declined: CallFinished = {
    type: 'CallDeclined',
    data: { declinedBy: actor.userId, reason: command.data.reason, at: now },
  };
  return closeCall(call, declined, now);
}

export function cancelCall(command: CancelCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireInitiator(call, actor);
  requireNotFinished(call);
  if (call.status !== 'SCHEDULED' && call.status !== 'RINGING') {
    throw new CallNotCancellableError(call.callId, call.status);
  }
  const cancelled: CallFinished = {
    type: 'CallCancelled',
    data: { cancelledBy: actor.userId, reason: command.data.reason, at: now },
  };
  return closeCall(call, cancelled, now);
}

export function endCall(command: EndCall, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireParty(call, actor);
  requireNotFinished(call);
  if (call.status !== 'IN_PROGRESS') throw new CallNotInProgressError(call.callId, call.status);
  const ended: CallFinished = {
    type: 'CallEnded',
    data: {
      endedBy: actor.userId,
      reason: command.data.reason,
      endedAt: now,
      durationSeconds: secondsBetween(call.startedAt, now),
    },
  };
  return closeCall(call, ended, now);
}

export function markCallMissed(command: MarkCallMissed, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystem(command.type, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING') throw new CallNotRingingError(call.callId, call.status);
  const missed: CallFinished = {
    type: 'CallMissed',
    data: { at: now, ringTimeoutSeconds: command.data.ringTimeoutSeconds },
  };
  return closeCall(call, missed, now);
}

export function markCallFailed(command: MarkCallFailed, call: ExistingCall): CallEvent[] {
  const { actor, now } = command.metadata;
  requireSystemOrParty(call, actor);
  requireNotFinished(call);
  if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') {
    throw new CallNotLiveError(call.callId, call.status);
  }
  const failed: CallFinished = {
    type: 'CallFailed',
    data: { reason: command.data.reason, details: command.data.details, at: now },
  };
  return closeCall(call, failed, now);
}
