import type { CallEvent } from './call.events.js';
import {
  DEFAULT_MEDIA,
  SYSTEM_USER_ID,
  TERMINAL_CALL_STATUSES,
  type CallType,
  type MediaState,
  type ParticipantRole,
  type ParticipantStatus,
  type RecordingContentType,
  type RecordingStatus,
  type RecordingStopReason,
} from './call.values.js';

/**
 * What the decider remembers about a call: only what later rules need. A union keyed by `status`;
 * `NONE` is the state of a stream nobody has written to.
 */

export type ParticipantState = {
  readonly userId: string;
  readonly role: ParticipantRole;
  readonly status: ParticipantStatus;
  /** Last time they joined; kept after they leave. */
  readonly joinedAt: string | null;
  /** Set only while DISCONNECTED: the start of their reconnect grace. */
  readonly disconnectedAt: string | null;
  /** Last time they left; cleared when they join again. */
  readonly leftAt: string | null;
  readonly media: MediaState;
  /** Their own recording consent as it stands now. */
  readonly consented: boolean;
};

export type RecordingState = {
  readonly recordingId: string;
  readonly status: RecordingStatus;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly consentedParticipants: readonly string[];
  readonly stoppedAt: string | null;
  readonly stoppedBy: string | null;
  readonly stopReason: RecordingStopReason | null;
  readonly durationSeconds: number | null;
  /** The stored, encrypted file once uploaded (kept after a purge, for the record). */
  readonly media: RecordingMedia | null;
  readonly failedAt: string | null;
  readonly failureReason: string | null;
  readonly legalHold: boolean;
  readonly purgedAt: string | null;
};

export type RecordingMedia = {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly storageKey: string;
  readonly keyId: string;
  readonly contentType: RecordingContentType;
  readonly uploadedAt: string;
  readonly expiresAt: string;
};

/** Facts fixed at initiation plus what every status after it carries. */
type CallFacts = {
  readonly callId: string;
  readonly type: CallType;
  readonly providerId: string;
  readonly patientId: string;
  readonly initiatorId: string;
  readonly calleeId: string;
  readonly scheduledAt: string | null;
  readonly initiatedAt: string;
  readonly recordingEnabled: boolean;
  readonly reason: string | null;
  /** Keyed by user id: exactly the provider and the patient. */
  readonly participants: Readonly<Record<string, ParticipantState>>;
  /** Keyed by recording id. */
  readonly recordings: Readonly<Record<string, RecordingState>>;
  readonly activeRecordingId: string | null;
  /** When a participant's media first connected (ParticipantConnected); null while none did. */
  readonly mediaConnectedAt: string | null;
};

type NotEnded = {
  readonly endedAt: null;
  readonly endedBy: null;
  readonly durationSeconds: null;
  readonly endReason: null;
};

export type NoCall = { readonly status: 'NONE' };

export type ScheduledCall = CallFacts &
  NotEnded & { readonly status: 'SCHEDULED'; readonly startedAt: null };

export type RingingCall = CallFacts &
  NotEnded & { readonly status: 'RINGING'; readonly startedAt: null };

export type InProgressCall = CallFacts &
  NotEnded & { readonly status: 'IN_PROGRESS'; readonly startedAt: string };

export type EndedCall = CallFacts & {
  readonly status: 'ENDED';
  readonly startedAt: string;
  readonly endedAt: string;
  /** A party's user id, or `system`. */
  readonly endedBy: string;
  readonly durationSeconds: number;
  readonly endReason: string | null;
};

/** CANCELLED, DECLINED or MISSED: the call never started. */
export type UnansweredCall = CallFacts & {
  readonly status: 'CANCELLED' | 'DECLINED' | 'MISSED';
  readonly startedAt: null;
  readonly endedAt: string;
  /** Who cancelled or declined; `system` for a missed call. */
  readonly endedBy: string;
  readonly durationSeconds: null;
  readonly endReason: string | null;
};

export type FailedCall = CallFacts & {
  readonly status: 'FAILED';
  /** Set when it failed while in progress. */
  readonly startedAt: string | null;
  readonly endedAt: string;
  readonly endedBy: null;
  readonly durationSeconds: null;
  readonly endReason: string;
};

export type LiveCall = ScheduledCall | RingingCall | InProgressCall;
export type FinishedCall = EndedCall | UnansweredCall | FailedCall;
export type ExistingCall = LiveCall | FinishedCall;
export type CallState = NoCall | ExistingCall;

export const initialState = (): CallState => ({ status: 'NONE' });

export function isFinished(state: CallState): state is FinishedCall {
  return (TERMINAL_CALL_STATUSES as readonly string[]).includes(state.status);
}

/** Whole seconds between two ISO instants, rounded to the nearest second. */
export function secondsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

function invited(userId: string, role: ParticipantRole): ParticipantState {
  return {
    userId,
    role,
    status: 'INVITED',
    joinedAt: null,
    disconnectedAt: null,
    leftAt: null,
    media: DEFAULT_MEDIA,
    consented: false,
  };
}

/**
 * The call's participant with this user id, if they are a party. Looked up through the provider and
 * patient ids, so an id such as `constructor` never finds a property of Object.prototype.
 */
export function participantOf(call: ExistingCall, userId: string): ParticipantState | undefined {
  return userId === call.providerId || userId === call.patientId
    ? call.participants[userId]
    : undefined;
}

/** Both participants, the provider first: the order every list in the events follows. */
export function participantsOf(call: ExistingCall): ParticipantState[] {
  return [call.participants[call.providerId], call.participants[call.patientId]].filter(
    (participant): participant is ParticipantState => participant !== undefined,
  );
}

export function recordingOf(call: ExistingCall, recordingId: string): RecordingState | undefined {
  return Object.hasOwn(call.recordings, recordingId) ? call.recordings[recordingId] : undefined;
}

/** In the call room, even if their connection dropped a moment ago. */
export function isPresent(participant: ParticipantState): boolean {
  return (
    participant.status === 'JOINING' ||
    participant.status === 'CONNECTED' ||
    participant.status === 'DISCONNECTED'
  );
}

function updateParticipant<S extends ExistingCall>(
  state: S,
  userId: string,
  change: (participant: ParticipantState) => Partial<ParticipantState>,
): S {
  const participant = participantOf(state, userId);
  if (participant === undefined) return state;
  return {
    ...state,
    participants: { ...state.participants, [userId]: { ...participant, ...change(participant) } },
  };
}

function updateRecording<S extends ExistingCall>(
  state: S,
  recordingId: string,
  change: (recording: RecordingState) => Partial<RecordingState>,
): S {
  const recording = recordingOf(state, recordingId);
  if (recording === undefined) return state;
  return {
    ...state,
    recordings: { ...state.recordings, [recordingId]: { ...recording, ...change(recording) } },
  };
}

/**
 * Applies one event. Events are facts, so evolve never throws; an event that cannot apply to the
 * current status (which `decide` never emits) leaves the state unchanged.
 */
export function evolve(state: CallState, event: CallEvent): CallState {
  if (event.type === 'CallInitiated') {
    if (state.status !== 'NONE') return state;
    const { data } = event;
    const base = {
      callId: data.callId,
      type: data.type,
      providerId: data.providerId,
      patientId: data.patientId,
      initiatorId: data.initiatorId,
      calleeId: data.calleeId,
      scheduledAt: data.scheduledAt,
      initiatedAt: data.initiatedAt,
      recordingEnabled: data.recordingEnabled,
      reason: data.reason,
      participants: {
        [data.providerId]: invited(data.providerId, 'provider'),
        [data.patientId]: invited(data.patientId, 'patient'),
      },
      recordings: {},
      activeRecordingId: null,
      mediaConnectedAt: null,
      startedAt: null,
      endedAt: null,
      endedBy: null,
      durationSeconds: null,
      endReason: null,
    } as const;
    return { ...base, status: data.status };
  }
  if (state.status === 'NONE') return state;

  switch (event.type) {
    case 'CallRingingStarted':
      return state.status === 'SCHEDULED' ? { ...state, status: 'RINGING' } : state;

    case 'CallAnswered':
      return state.status === 'RINGING'
        ? { ...state, status: 'IN_PROGRESS', startedAt: event.data.startedAt }
        : state;

    case 'CallDeclined':
      return state.status === 'RINGING'
        ? {
            ...state,
            status: 'DECLINED',
            endedAt: event.data.at,
            endedBy: event.data.declinedBy,
            endReason: event.data.reason,
          }
        : state;

    case 'CallCancelled':
      return state.status === 'SCHEDULED' || state.status === 'RINGING'
        ? {
            ...state,
            status: 'CANCELLED',
            startedAt: null,
            endedAt: event.data.at,
            endedBy: event.data.cancelledBy,
            endReason: event.data.reason,
          }
        : state;

    case 'CallMissed':
      return state.status === 'RINGING'
        ? {
            ...state,
            status: 'MISSED',
            endedAt: event.data.at,
            endedBy: SYSTEM_USER_ID,
            endReason: null,
          }
        : state;

    case 'CallEnded':
      return state.status === 'IN_PROGRESS'
        ? {
            ...state,
            status: 'ENDED',
            endedAt: event.data.endedAt,
            endedBy: event.data.endedBy,
            durationSeconds: event.data.durationSeconds,
            endReason: event.data.reason,
          }
        : state;

    case 'CallFailed':
      return state.status === 'RINGING' || state.status === 'IN_PROGRESS'
        ? {
            ...state,
            status: 'FAILED',
            endedAt: event.data.at,
            endReason: event.data.reason,
          }
        : state;

    case 'ParticipantJoined':
      return updateParticipant(state, event.data.userId, () => ({
        status: 'JOINING',
        joinedAt: event.data.at,
        disconnectedAt: null,
        leftAt: null,
      }));

    case 'ParticipantConnected':
    case 'ParticipantReconnected': {
      const connected = updateParticipant(state, event.data.userId, () => ({
        status: 'CONNECTED',
        disconnectedAt: null,
      }));
      // A reconnect resumes a socket, not media: only the peer connection coming up counts.
      return event.type === 'ParticipantConnected' && connected.mediaConnectedAt === null
        ? { ...connected, mediaConnectedAt: event.data.at }
        : connected;
    }

    case 'ParticipantDisconnected':
      return updateParticipant(state, event.data.userId, () => ({
        status: 'DISCONNECTED',
        disconnectedAt: event.data.at,
      }));

    case 'ParticipantLeft':
      return updateParticipant(state, event.data.userId, () => ({
        status: 'LEFT',
        disconnectedAt: null,
        leftAt: event.data.at,
      }));

    case 'ParticipantMediaUpdated': {
      const { video, audio, screenShare } = event.data;
      return updateParticipant(state, event.data.userId, () => ({
        media: { video, audio, screenShare },
      }));
    }

    case 'RecordingConsentGiven':
      return updateParticipant(state, event.data.userId, () => ({ consented: true }));

    case 'RecordingConsentWithdrawn':
      return updateParticipant(state, event.data.userId, () => ({ consented: false }));

    case 'RecordingStarted': {
      const { recordingId, startedBy, at, consentedParticipants } = event.data;
      return {
        ...state,
        activeRecordingId: recordingId,
        recordings: {
          ...state.recordings,
          [recordingId]: {
            recordingId,
            status: 'RECORDING',
            startedBy,
            startedAt: at,
            consentedParticipants,
            stoppedAt: null,
            stoppedBy: null,
            stopReason: null,
            durationSeconds: null,
            media: null,
            failedAt: null,
            failureReason: null,
            legalHold: false,
            purgedAt: null,
          },
        },
      };
    }

    case 'RecordingStopped': {
      const { recordingId, stoppedBy, reason, at, durationSeconds } = event.data;
      const recording = recordingOf(state, recordingId);
      if (recording === undefined) return state;
      return {
        ...state,
        activeRecordingId: state.activeRecordingId === recordingId ? null : state.activeRecordingId,
        recordings: {
          ...state.recordings,
          [recordingId]: {
            ...recording,
            status: 'STOPPED',
            stoppedAt: at,
            stoppedBy,
            stopReason: reason,
            durationSeconds,
          },
        },
      };
    }

    case 'RecordingUploaded': {
      const { recordingId, at, ...media } = event.data;
      return updateRecording(state, recordingId, (recording) =>
        recording.status === 'STOPPED'
          ? { status: 'COMPLETED', media: { ...media, uploadedAt: at } }
          : {},
      );
    }

    case 'RecordingKeyRotated': {
      const { recordingId, toKeyId, storageKey } = event.data;
      return updateRecording(state, recordingId, (recording) =>
        recording.status === 'COMPLETED' && recording.media !== null
          ? { media: { ...recording.media, keyId: toKeyId, storageKey } }
          : {},
      );
    }

    case 'RecordingFailed':
      return updateRecording(state, event.data.recordingId, (recording) =>
        recording.status === 'STOPPED'
          ? { status: 'FAILED', failedAt: event.data.at, failureReason: event.data.reason }
          : {},
      );

    case 'RecordingPurged':
      return updateRecording(state, event.data.recordingId, (recording) =>
        recording.status === 'COMPLETED' ? { status: 'PURGED', purgedAt: event.data.at } : {},
      );

    case 'RecordingLegalHoldSet':
      return updateRecording(state, event.data.recordingId, () => ({ legalHold: true }));

    case 'RecordingLegalHoldReleased':
      return updateRecording(state, event.data.recordingId, () => ({ legalHold: false }));

    case 'CallQualityDegraded':
      // A warning for the participants and the statistics; no rule depends on it.
      return state;

    default:
      return assertNever(event);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
