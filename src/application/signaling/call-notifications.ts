import type { CallEvent } from '../../domain/call/call.events.js';
import type { ExistingCall, ParticipantState } from '../../domain/call/call.state.js';
import { participantsOf } from '../../domain/call/call.state.js';
import type { JsonObject } from '../../domain/shared/event.js';
import type { NotificationEvent, NotificationTarget } from './signaling-emitter.port.js';

export type CallNotification =
  | {
      readonly kind: 'emit';
      readonly target: NotificationTarget;
      readonly event: NotificationEvent;
      readonly payload: JsonObject;
    }
  /** Out of the call's rooms: `userId`'s sockets, or everyone's when null. */
  | { readonly kind: 'leave'; readonly callId: string; readonly userId: string | null };

function toUsers(
  users: readonly string[],
  event: NotificationEvent,
  payload: JsonObject,
): CallNotification {
  return { kind: 'emit', target: { users }, event, payload };
}

function toRoom(
  callId: string,
  exceptUsers: readonly string[],
  event: NotificationEvent,
  payload: JsonObject,
): CallNotification {
  return { kind: 'emit', target: { call: callId, exceptUsers }, event, payload };
}

function presentParticipant(participant: ParticipantState): JsonObject {
  return {
    userId: participant.userId,
    role: participant.role,
    status: participant.status,
    video: participant.media.video,
    audio: participant.media.audio,
    screenShare: participant.media.screenShare,
  };
}

/** The `room-participants` payload (also the ack of join-call and reconnect-call). */
export function roomSnapshot(call: ExistingCall): JsonObject {
  return {
    callId: call.callId,
    status: call.status,
    participants: participantsOf(call).map(presentParticipant),
  };
}

/**
 * What the sockets hear of one call event, given the call after it. Call-level news (ringing,
 * answered, ended, recordings, quality) goes to both parties' own rooms, whether or not they have
 * joined; room news (who joined, left, dropped, changed media) goes to the call room, except to the
 * participant it is about. ParticipantConnected has no socket event; the REST resource shows it.
 */
export function notificationsFor(event: CallEvent, call: ExistingCall): CallNotification[] {
  const { callId } = call;
  const parties = [call.providerId, call.patientId];
  switch (event.type) {
    case 'CallInitiated':
      return event.data.status === 'RINGING' ? [incomingCall(call)] : [];
    case 'CallRingingStarted':
      return [incomingCall(call)];
    case 'CallAnswered':
      return [toUsers(parties, 'call-answered', { callId, ...event.data })];
    case 'CallEnded':
      return finished(call, {
        callId,
        status: 'ENDED',
        endedBy: event.data.endedBy,
        reason: event.data.reason,
        endedAt: event.data.endedAt,
        durationSeconds: event.data.durationSeconds,
      });
    case 'CallDeclined':
      return finished(call, {
        callId,
        status: 'DECLINED',
        endedBy: event.data.declinedBy,
        reason: event.data.reason,
        endedAt: event.data.at,
        durationSeconds: null,
      });
    case 'CallMissed':
      return finished(call, {
        callId,
        status: 'MISSED',
        endedBy: 'system',
        reason: null,
        endedAt: event.data.at,
        durationSeconds: null,
      });
    case 'CallFailed':
      return finished(call, {
        callId,
        status: 'FAILED',
        endedBy: 'system',
        reason: event.data.reason,
        endedAt: event.data.at,
        durationSeconds: null,
      });
    case 'CallCancelled':
      return [
        toUsers(parties, 'call-cancelled', { callId, ...event.data }),
        { kind: 'leave', callId, userId: null },
      ];
    case 'ParticipantJoined':
    case 'ParticipantReconnected': {
      const { userId, at } = event.data;
      const role = userId === call.providerId ? 'provider' : 'patient';
      return [
        toRoom(callId, [userId], 'participant-joined', {
          callId,
          userId,
          role,
          at,
          reconnected: event.type === 'ParticipantReconnected',
        }),
        toUsers([userId], 'room-participants', roomSnapshot(call)),
      ];
    }
    case 'ParticipantDisconnected':
      return [
        toRoom(callId, [event.data.userId], 'participant-disconnected', { callId, ...event.data }),
      ];
    case 'ParticipantLeft': {
      const { userId, reason } = event.data;
      const leave: CallNotification = { kind: 'leave', callId, userId };
      // When the call itself ended, call-ended already said it all.
      if (reason === 'call_ended') return [leave];
      return [toRoom(callId, [userId], 'participant-left', { callId, ...event.data }), leave];
    }
    case 'ParticipantMediaUpdated':
      return [
        toRoom(callId, [event.data.userId], 'participant-media-updated', {
          callId,
          ...event.data,
        }),
      ];
    case 'RecordingStarted':
      return [
        toUsers(parties, 'recording-started', {
          callId,
          recordingId: event.data.recordingId,
          startedBy: event.data.startedBy,
          at: event.data.at,
        }),
      ];
    case 'RecordingStopped':
      return [toUsers(parties, 'recording-stopped', { callId, ...event.data })];
    case 'CallQualityDegraded':
      // The participant whose link is poor, and the clinician who leads the call.
      return [
        toUsers([event.data.userId, call.providerId], 'quality-warning', {
          callId,
          userId: event.data.userId,
          suggestion: event.data.suggestion,
          at: event.data.at,
          samples: event.data.samples,
        }),
      ];
    case 'RecordingConsentGiven':
    case 'RecordingConsentWithdrawn':
      return [
        toUsers(parties, 'recording-consent-updated', {
          callId,
          userId: event.data.userId,
          consented: event.type === 'RecordingConsentGiven',
          at: event.data.at,
        }),
      ];
    case 'ParticipantConnected':
    case 'RecordingUploaded':
    case 'RecordingKeyRotated':
    case 'RecordingFailed':
    case 'RecordingPurged':
    case 'RecordingLegalHoldSet':
    case 'RecordingLegalHoldReleased':
      return [];
    default: {
      const _exhaustive: never = event;
      return [];
    }
  }
}

function incomingCall(call: ExistingCall): CallNotification {
  return toUsers([call.calleeId], 'incoming-call', {
    callId: call.callId,
    from: call.initiatorId,
    type: call.type,
    providerId: call.providerId,
    patientId: call.patientId,
    recordingEnabled: call.recordingEnabled,
    initiatedAt: call.initiatedAt,
  });
}

function finished(call: ExistingCall, payload: JsonObject): CallNotification[] {
  return [
    toUsers([call.providerId, call.patientId], 'call-ended', payload),
    { kind: 'leave', callId: call.callId, userId: null },
  ];
}
