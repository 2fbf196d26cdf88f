import type { JsonObject } from '../../domain/shared/event.js';

/**
 * The socket.io events the server sends (README, "Signaling (the video part)"), minus the relayed
 * ones. `recording-consent-updated` lets the web client's record button and consent panel follow
 * consent instead of polling the call.
 */
export const NOTIFICATION_EVENTS = [
  'incoming-call',
  'call-answered',
  'call-ended',
  'call-cancelled',
  'participant-joined',
  'participant-left',
  'participant-disconnected',
  'participant-media-updated',
  'room-participants',
  'quality-warning',
  'recording-started',
  'recording-stopped',
  'recording-consent-updated',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Every socket of these users (deduplicated), or everyone in a call's room but some users. */
export type NotificationTarget =
  | { readonly users: readonly string[] }
  | { readonly call: string; readonly exceptUsers: readonly string[] };

/**
 * Where ledger-driven notifications go out: to the targeted sockets on every instance. One
 * notifier runs across all instances (see socket-notifications.projection.ts) and emits each
 * notification once per delivery attempt; a retry may send it again, and the client drops a repeat
 * by the `eventId` every payload carries.
 */
export interface SignalingEmitter {
  emit(target: NotificationTarget, event: NotificationEvent, payload: JsonObject): void;
  /**
   * Takes this instance's sockets of `userId` (every user when null) out of the call's rooms, if
   * they entered the call before `revision` (a socket that joined again since stays).
   */
  leaveCall(callId: string, userId: string | null, revision: number): void;
}
