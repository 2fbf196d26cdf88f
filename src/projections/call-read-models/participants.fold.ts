import type { CallEvent } from '../../domain/call/call.events.js';
import { assertNever } from '../../domain/shared/assert-never.js';
import type { ParticipantRow } from '../read-model-rows.js';
import { secondsBetween, text } from './event-values.js';

/* `call_participants`: one row per party of a call, made when the call is initiated. */

/** The events of one party of the call: their presence, media and consent. */
export type ParticipantEvent = Extract<
  CallEvent,
  { type: `Participant${string}` | `RecordingConsent${string}` }
>;

export function invitedParticipant(
  callId: string,
  userId: string,
  role: 'provider' | 'patient',
): ParticipantRow {
  return {
    call_id: callId,
    user_id: userId,
    role,
    status: 'INVITED',
    joined_at: null,
    left_at: null,
    left_reason: null,
    disconnected_at: null,
    participation_seconds: 0,
    video_enabled: true,
    audio_enabled: true,
    screen_share_enabled: false,
    consented_to_recording: false,
    consent_changed_at: null,
  };
}

export function foldParticipant(
  participant: ParticipantRow,
  event: ParticipantEvent,
  at: string,
): void {
  switch (event.type) {
    case 'ParticipantJoined':
      participant.status = 'JOINING';
      participant.joined_at = at;
      participant.disconnected_at = null;
      participant.left_at = null;
      participant.left_reason = null;
      return;
    case 'ParticipantConnected':
    case 'ParticipantReconnected':
      participant.status = 'CONNECTED';
      participant.disconnected_at = null;
      return;
    case 'ParticipantDisconnected':
      participant.status = 'DISCONNECTED';
      participant.disconnected_at = at;
      return;
    case 'ParticipantLeft':
      // Time in the room: from joining until leaving, or until the connection dropped when
      // they never came back (left after the reconnect grace).
      if (participant.status !== 'LEFT' && participant.joined_at !== null) {
        participant.participation_seconds += secondsBetween(
          participant.joined_at,
          participant.disconnected_at ?? at,
        );
      }
      participant.status = 'LEFT';
      participant.left_at = at;
      participant.left_reason = text(event.data.reason);
      participant.disconnected_at = null;
      return;
    case 'ParticipantMediaUpdated': {
      const { video, audio, screenShare } = event.data as Partial<typeof event.data>;
      if (typeof video === 'boolean') participant.video_enabled = video;
      if (typeof audio === 'boolean') participant.audio_enabled = audio;
      if (typeof screenShare === 'boolean') participant.screen_share_enabled = screenShare;
      return;
    }
    case 'RecordingConsentGiven':
    case 'RecordingConsentWithdrawn':
      participant.consented_to_recording = event.type === 'RecordingConsentGiven';
      participant.consent_changed_at = at;
      return;
    default:
      assertNever(event);
  }
}
