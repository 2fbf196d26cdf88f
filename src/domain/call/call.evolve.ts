import { assertNever } from '../shared/assert-never.js';
import type { CallEvent } from './call.events.js';
import {
  participantOf,
  recordingOf,
  type CallState,
  type ExistingCall,
  type ParticipantState,
} from './call.state.js';
import { DEFAULT_MEDIA, SYSTEM_USER_ID, type ParticipantRole } from './call.values.js';

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
 * An update of one entry of the call (a participant by user id, a recording by id): the state
 * with the entry's fields changed, or unchanged when `lookup` finds no entry under that id.
 */
function entryUpdater<Entries extends 'participants' | 'recordings'>(
  entries: Entries,
  lookup: (call: ExistingCall, id: string) => ExistingCall[Entries][string] | undefined,
) {
  type Entry = ExistingCall[Entries][string];
  return <S extends ExistingCall>(
    state: S,
    id: string,
    change: (entry: Entry) => Partial<Entry>,
  ): S => {
    const current = lookup(state, id);
    if (current === undefined) return state;
    return { ...state, [entries]: { ...state[entries], [id]: { ...current, ...change(current) } } };
  };
}

const updateParticipant = entryUpdater('participants', participantOf);
const updateRecording = entryUpdater('recordings', recordingOf);

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
