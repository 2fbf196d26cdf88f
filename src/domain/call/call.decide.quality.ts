import type { RecordQualityDegradation } from './call.commands.js';
import { CallNotInProgressError, NotSelfError } from './call.errors.js';
import type { CallEvent } from './call.events.js';
import { requireSystemOrParty, requireParticipant, requireNotFinished } from './call.guards.js';
import type { ExistingCall } from './call.state.js';

// The call-side effect of poor connection quality (the samples live in their own stream).

export function recordQualityDegradation(
  command: RecordQualityDegradation,
  call: ExistingCall,
): CallEvent[] {
  const { actor, now } = command.metadata;
  const { userId, samples, suggestion } = command.data;
  requireSystemOrParty(call, actor);
  if (actor.role !== 'system' && actor.userId !== userId) {
    throw new NotSelfError(actor.userId, userId);
  }
  requireParticipant(call, userId);
  requireNotFinished(call);
  if (call.status !== 'IN_PROGRESS') throw new CallNotInProgressError(call.callId, call.status);
  return [
    { type: 'CallQualityDegraded', data: { userId, at: now, samples: [...samples], suggestion } },
  ];
}
