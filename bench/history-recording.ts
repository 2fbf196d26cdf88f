import type { EventToAppend } from '../src/application/ports/event-store.port.js';
import type { Actor } from '../src/domain/shared/actor.js';
import { iso, SYSTEM, type GeneratedCall } from './history-call.js';
import type { CallTimeline } from './history-timeline.js';

/** A recording that has started and not stopped yet. */
export interface RunningRecording {
  readonly id: string;
  readonly started: number;
}

/**
 * Sometimes both parties consent and, mostly, the provider then records: the recording is
 * stopped when the patient withdraws consent or by the provider, or still runs when the call
 * ends. Returns the recording still running (the call's end stops it), or null.
 */
export function maybeRecord(call: GeneratedCall, timeline: CallTimeline): RunningRecording | null {
  const { random, provider, patient } = call;
  if (!random.chance(0.3)) return null;
  let at = timeline.next();
  call.commit(
    at,
    call.event('RecordingConsentGiven', { userId: provider.userId, at: iso(at) }, provider, at),
  );
  at = timeline.next();
  call.commit(
    at,
    call.event('RecordingConsentGiven', { userId: patient.userId, at: iso(at) }, patient, at),
  );
  if (!random.chance(0.8)) return null;
  at = timeline.next();
  const recording: RunningRecording = { id: random.uuid(), started: at };
  call.commit(
    at,
    call.event(
      'RecordingStarted',
      {
        recordingId: recording.id,
        startedBy: provider.userId,
        at: iso(at),
        consentedParticipants: [provider.userId, patient.userId],
      },
      provider,
      at,
    ),
  );
  if (random.chance(0.1)) {
    at = timeline.next();
    call.commit(
      at,
      call.event('RecordingConsentWithdrawn', { userId: patient.userId, at: iso(at) }, patient, at),
      recordingStopped(call, recording, 'system', 'consent_withdrawn', patient, at),
    );
    afterRecording(call, recording.id, at);
    return null;
  }
  if (random.chance(0.5)) {
    at = timeline.next();
    call.commit(
      at,
      recordingStopped(call, recording, provider.userId, 'stopped_by_user', provider, at),
    );
    afterRecording(call, recording.id, at);
    return null;
  }
  return recording;
}

export function recordingStopped(
  call: GeneratedCall,
  recording: RunningRecording,
  stoppedBy: string,
  reason: string,
  actor: Actor,
  at: number,
): EventToAppend {
  return call.event(
    'RecordingStopped',
    {
      recordingId: recording.id,
      stoppedBy,
      reason,
      at: iso(at),
      durationSeconds: Math.round((at - recording.started) / 1000),
    },
    actor,
    at,
  );
}

/** The upload that completes a stopped recording, or its failure; sometimes a legal hold. */
export function afterRecording(call: GeneratedCall, recordingId: string, stoppedAt: number): void {
  const { random } = call;
  const at = stoppedAt + random.between(5, 60) * 1000;
  if (!random.chance(0.9)) {
    call.commit(
      at,
      call.event(
        'RecordingFailed',
        { recordingId, reason: 'upload_timeout', at: iso(at) },
        SYSTEM,
        at,
      ),
    );
    return;
  }
  call.commit(
    at,
    call.event(
      'RecordingUploaded',
      {
        recordingId,
        sizeBytes: random.between(5_000_000, 900_000_000),
        sha256: random.uuid().replace(/-/g, '').repeat(2),
        storageKey: `recordings/${recordingId}.webm.enc`,
        keyId: 'kek-2025-01',
        contentType: 'video/webm',
        expiresAt: iso(at + 2_592_000_000),
        at: iso(at),
      },
      SYSTEM,
      at,
    ),
  );
  if (random.chance(0.05)) {
    const later = at + 86_400_000;
    call.commit(
      later,
      call.event('RecordingLegalHoldSet', { recordingId, at: iso(later) }, SYSTEM, later),
    );
  }
}
