import { iso, leftAtEnd, SYSTEM, type GeneratedCall } from './history-call.js';
import { afterRecording, recordingStopped, type RunningRecording } from './history-recording.js';

/**
 * The provider ends the call at `end`: a recording still running stops first, then the call
 * ends and everyone still present leaves, in one commit; the stopped recording is then uploaded.
 */
export function endCall(
  call: GeneratedCall,
  startedAt: number,
  end: number,
  recording: RunningRecording | null,
): void {
  const { provider, patient } = call;
  const events = recording
    ? [recordingStopped(call, recording, 'system', 'call_ended', provider, end)]
    : [];
  events.push(
    call.event(
      'CallEnded',
      {
        endedBy: provider.userId,
        reason: null,
        endedAt: iso(end),
        durationSeconds: Math.round((end - startedAt) / 1000),
      },
      provider,
      end,
    ),
    leftAtEnd(call, provider.userId, end),
    leftAtEnd(call, patient.userId, end),
  );
  call.commit(end, ...events);
  if (recording) afterRecording(call, recording.id, end);
}

/** Both peers are lost at `end`: the call fails and the system takes everyone out of the room. */
export function failAtEnd(call: GeneratedCall, end: number): void {
  call.commit(
    end,
    call.event(
      'CallFailed',
      { reason: 'all_peers_lost', details: null, at: iso(end) },
      SYSTEM,
      end,
    ),
    leftAtEnd(call, call.provider.userId, end),
    leftAtEnd(call, call.patient.userId, end),
  );
}
