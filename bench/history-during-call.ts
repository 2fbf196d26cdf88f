import { iso, SYSTEM, type GeneratedCall } from './history-call.js';
import type { CallTimeline } from './history-timeline.js';

/** Up to two camera, microphone or screen-share changes by either party. */
export function changeMedia(call: GeneratedCall, timeline: CallTimeline): void {
  const { random, provider, patient } = call;
  const mediaChanges = random.between(0, 2);
  for (let i = 0; i < mediaChanges; i += 1) {
    const at = timeline.next();
    const user = random.chance(0.5) ? provider : patient;
    call.commit(
      at,
      call.event(
        'ParticipantMediaUpdated',
        {
          userId: user.userId,
          video: random.chance(0.6),
          audio: random.chance(0.9),
          screenShare: random.chance(0.15),
          at: iso(at),
        },
        user,
        at,
      ),
    );
  }
}

/** Sometimes the patient's connection drops and they come back within the grace period. */
export function maybeDropAndReconnect(call: GeneratedCall, timeline: CallTimeline): void {
  const { random, patient } = call;
  if (!random.chance(0.1)) return;
  let at = timeline.next();
  call.commit(
    at,
    call.event('ParticipantDisconnected', { userId: patient.userId, at: iso(at) }, SYSTEM, at),
  );
  at += random.between(2, 20) * 1000;
  call.commit(
    at,
    call.event('ParticipantReconnected', { userId: patient.userId, at: iso(at) }, patient, at),
  );
  timeline.notBefore(at);
}

/** Sometimes the patient's quality degrades enough for the service to suggest audio only. */
export function maybeDegradeQuality(call: GeneratedCall, timeline: CallTimeline): void {
  if (!call.random.chance(0.05)) return;
  const at = timeline.next();
  call.commit(
    at,
    call.event(
      'CallQualityDegraded',
      {
        userId: call.patient.userId,
        at: iso(at),
        samples: [{ rttMs: 450, jitterMs: 60, packetLossPct: 9 }],
        suggestion: 'audio-only',
      },
      SYSTEM,
      at,
    ),
  );
}
