import type { EventToAppend } from '../src/application/ports/event-store.port.js';
import { iso, leftAtEnd, SYSTEM, type GeneratedCall } from './history-call.js';

/** How a call came out of its ringing. */
export type Ringing =
  /** A scheduled call the provider cancelled before it started ringing. */
  | { readonly outcome: 'cancelled-before-ringing' }
  /** Missed, declined, cancelled while ringing or failed: over at `at`. */
  | { readonly outcome: 'unanswered'; readonly at: number }
  /** The patient answered at `startedAt`; both are connected at `at`. */
  | { readonly outcome: 'answered'; readonly startedAt: number; readonly at: number };

/**
 * A call's start: initiated (now or, for some, scheduled an hour ahead), ringing with the provider
 * waiting in the room, then answered by the patient or ended unanswered.
 */
export function ring(call: GeneratedCall, t0: number): Ringing {
  const { random, callId, provider, patient } = call;
  const providerId = provider.userId;
  const patientId = patient.userId;
  const scheduled = random.chance(0.05);
  let t = t0;
  const scheduledAt = scheduled ? t0 + 3_600_000 : null;
  call.commit(
    t,
    call.event(
      'CallInitiated',
      {
        callId,
        type: random.chance(0.8) ? 'VIDEO' : random.chance(0.5) ? 'AUDIO' : 'SCREEN_SHARE',
        providerId,
        patientId,
        initiatorId: providerId,
        calleeId: patientId,
        status: scheduled ? 'SCHEDULED' : 'RINGING',
        scheduledAt: scheduledAt === null ? null : iso(scheduledAt),
        recordingEnabled: random.chance(0.4),
        reason: random.chance(0.5) ? 'Follow-up consultation' : null,
        initiatedAt: iso(t),
      },
      provider,
      t,
    ),
  );
  if (scheduledAt !== null) {
    if (random.chance(0.3)) {
      t += random.between(60, 3000) * 1000;
      call.commit(
        t,
        call.event(
          'CallCancelled',
          { cancelledBy: providerId, reason: null, at: iso(t) },
          provider,
          t,
        ),
      );
      return { outcome: 'cancelled-before-ringing' };
    }
    t = scheduledAt;
    call.commit(t, call.event('CallRingingStarted', { at: iso(t) }, SYSTEM, t));
  }

  // The provider waits in the room while it rings.
  t += random.between(1, 3) * 1000;
  call.commit(t, call.event('ParticipantJoined', { userId: providerId, at: iso(t) }, provider, t));
  t += 700;
  call.commit(
    t,
    call.event('ParticipantConnected', { userId: providerId, at: iso(t) }, provider, t),
  );

  const outcome = random.next();
  if (outcome < 0.18) {
    const ringingFor = scheduledAt === null ? 0 : scheduledAt - t0;
    return { outcome: 'unanswered', at: endUnanswered(call, outcome, t0 + ringingFor, t) };
  }

  t += random.between(3, 15) * 1000;
  call.commit(
    t,
    call.event('CallAnswered', { answeredBy: patientId, startedAt: iso(t) }, patient, t),
  );
  const startedAt = t;
  t += 400;
  call.commit(t, call.event('ParticipantJoined', { userId: patientId, at: iso(t) }, patient, t));
  t += 900;
  call.commit(t, call.event('ParticipantConnected', { userId: patientId, at: iso(t) }, patient, t));
  return { outcome: 'answered', startedAt, at: t };
}

/**
 * Ends a ringing call without an answer, by the kind `outcome` (below 0.18) draws: missed after
 * the ring timeout from `rangAt`, declined, cancelled or failed a little after `t`. The provider
 * leaves with the same commit. Returns when it ended.
 */
function endUnanswered(call: GeneratedCall, outcome: number, rangAt: number, t: number): number {
  const { random, provider, patient } = call;
  const over = (at: number, ending: EventToAppend): number => {
    call.commit(at, ending, leftAtEnd(call, provider.userId, at));
    return at;
  };
  if (outcome < 0.08) {
    const at = rangAt + 60_000;
    return over(at, call.event('CallMissed', { at: iso(at), ringTimeoutSeconds: 60 }, SYSTEM, at));
  }
  if (outcome < 0.13) {
    const at = t + random.between(3, 20) * 1000;
    const data = { declinedBy: patient.userId, reason: 'busy', at: iso(at) };
    return over(at, call.event('CallDeclined', data, patient, at));
  }
  if (outcome < 0.17) {
    const at = t + random.between(3, 40) * 1000;
    const data = { cancelledBy: provider.userId, reason: null, at: iso(at) };
    return over(at, call.event('CallCancelled', data, provider, at));
  }
  const at = t + random.between(3, 20) * 1000;
  const data = { reason: 'ice_failed', details: { stage: 'ringing' }, at: iso(at) };
  return over(at, call.event('CallFailed', data, SYSTEM, at));
}
