/**
 * Value types shared by the call's commands, events and state: the small vocabularies of the
 * lifecycle (docs/architecture.md, "Call lifecycle" and "Recording and consent").
 */

export const CALL_TYPES = ['VIDEO', 'AUDIO', 'SCREEN_SHARE'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const LIVE_CALL_STATUSES = ['SCHEDULED', 'RINGING', 'IN_PROGRESS'] as const;
export const TERMINAL_CALL_STATUSES = [
  'ENDED',
  'CANCELLED',
  'DECLINED',
  'MISSED',
  'FAILED',
] as const;
export const CALL_STATUSES = [...LIVE_CALL_STATUSES, ...TERMINAL_CALL_STATUSES] as const;
export type LiveCallStatus = (typeof LIVE_CALL_STATUSES)[number];
export type TerminalCallStatus = (typeof TERMINAL_CALL_STATUSES)[number];
export type CallStatus = (typeof CALL_STATUSES)[number];

/** The two statuses `CallInitiated` can open a call with. */
export type InitialCallStatus = Extract<CallStatus, 'SCHEDULED' | 'RINGING'>;

export const PARTICIPANT_STATUSES = [
  'INVITED',
  'JOINING',
  'CONNECTED',
  'DISCONNECTED',
  'LEFT',
] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** The party a participant plays in the call (not the user's account role). */
export type ParticipantRole = 'provider' | 'patient';

export type MediaState = {
  readonly video: boolean;
  readonly audio: boolean;
  readonly screenShare: boolean;
};

/** What a participant sends until they say otherwise. */
export const DEFAULT_MEDIA: MediaState = { video: true, audio: true, screenShare: false };

export type ParticipantLeftReason = 'left' | 'reconnect_grace_expired' | 'call_ended';

/**
 * Why a participant dropped: their own connection closed (`connection_lost`), or the instance
 * holding it stopped renewing their presence lease (`instance_lost`: it died or lost the database).
 */
export const DISCONNECT_REASONS = ['connection_lost', 'instance_lost'] as const;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/**
 * RECORDING -> STOPPED -> COMPLETED (the encrypted file is stored) -> PURGED (retention ended);
 * STOPPED -> FAILED when no upload arrives in time.
 */
export type RecordingStatus = 'RECORDING' | 'STOPPED' | 'COMPLETED' | 'FAILED' | 'PURGED';

/** Media types a recording may be uploaded as (what browsers' MediaRecorder produces). */
export const RECORDING_CONTENT_TYPES = [
  'video/webm',
  'audio/webm',
  'video/mp4',
  'audio/ogg',
] as const;
export type RecordingContentType = (typeof RECORDING_CONTENT_TYPES)[number];

export type RecordingStopReason =
  'stopped_by_user' | 'consent_withdrawn' | 'participant_without_consent' | 'call_ended';

/** The only remedy the quality monitor suggests today. */
export type QualitySuggestion = 'audio-only';

/**
 * Why the system marks a call FAILED: nobody's media ever connected and the last participant was
 * lost; or a participant's connection failed and did not recover within the reconnect grace.
 */
export const NEVER_CONNECTED = 'never_connected';
export const CONNECTION_FAILED = 'connection_failed';

/** `endedBy` / `stoppedBy` when a rule, not a person, ended something. */
export const SYSTEM_USER_ID = 'system';
