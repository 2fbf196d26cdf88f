import type { RecordedEvent } from '../application/ports/event-store.port.js';
import { CALL_QUALITY_STREAM_PREFIX } from '../domain/call-quality/call-quality.decider.js';
import type { CallQualityEvent } from '../domain/call-quality/call-quality.events.js';
import { parseCallQualityEvent } from '../domain/call-quality/parse-call-quality-event.js';
import { CALL_STREAM_PREFIX } from '../domain/call/call.decider.js';
import type { CallEvent, CallInitiated } from '../domain/call/call.events.js';
import { assertNever } from '../domain/shared/assert-never.js';
import { parseCallEvent } from '../domain/call/parse-call-event.js';
import {
  countQualitySample,
  foldCallLifecycle,
  newCallRow,
  type CallLifecycleEvent,
} from './call-read-models/calls.fold.js';
import { countInDailyStats } from './call-read-models/daily-stats.fold.js';
import { uuidOrNull } from './call-read-models/event-values.js';
import {
  foldParticipant,
  invitedParticipant,
  type ParticipantEvent,
} from './call-read-models/participants.fold.js';
import { qualitySampleRow } from './call-read-models/quality-samples.fold.js';
import { readModelEvent, type ReadModelEvent } from './call-read-models/read-model-event.js';
import {
  foldRecording,
  startedRecording,
  type RecordingEvent,
} from './call-read-models/recordings.fold.js';
import {
  WorkingRows,
  type LoadedRows,
  type ReadModelChanges,
} from './call-read-models/working-rows.js';
import { comparePositions, type CallRow } from './read-model-rows.js';

export {
  participantKey,
  type LoadedRows,
  type ReadModelChanges,
} from './call-read-models/working-rows.js';

/*
 * The pure half of the call read models: given the rows a batch touches (as loaded) and the batch's
 * events in feed order, the rows to write. No I/O; the projection loads and writes around it. Each
 * table has its own fold (`call-read-models/*.fold.ts`); this one routes every typed event to them.
 *
 * Idempotence: a call row remembers the newest position applied to it (`last_position`); an event
 * at or before it is skipped, and with it every change it implies (participants, recordings, daily
 * statistics, quality samples). Replaying an applied event therefore changes nothing, and folding
 * a run of events in one batch or split into many gives the same rows.
 */

/** What a batch needs loaded before it can be folded. */
export interface RowsToLoad {
  readonly callIds: string[];
  /** Calls whose `CallInitiated` is in the batch: new, unless the batch is a replay. */
  readonly initiatedCallIds: string[];
  /** Calls whose participant rows the batch changes. */
  readonly participantCallIds: string[];
  /** Recordings the batch changes, each with the call whose stream carries its events. */
  readonly recordings: Array<{ readonly callId: string; readonly recordingId: string }>;
}

/** A call event with the table whose fold it goes to. */
type RoutedEvent =
  | { readonly table: 'opening'; readonly event: CallInitiated }
  | { readonly table: 'calls'; readonly event: CallLifecycleEvent }
  | { readonly table: 'participants'; readonly event: ParticipantEvent }
  | { readonly table: 'recordings'; readonly event: RecordingEvent };

function route(event: CallEvent): RoutedEvent {
  switch (event.type) {
    case 'CallInitiated':
      return { table: 'opening', event };
    case 'CallRingingStarted':
    case 'CallAnswered':
    case 'CallDeclined':
    case 'CallCancelled':
    case 'CallMissed':
    case 'CallEnded':
    case 'CallFailed':
    case 'CallQualityDegraded':
      return { table: 'calls', event };
    case 'ParticipantJoined':
    case 'ParticipantConnected':
    case 'ParticipantReconnected':
    case 'ParticipantDisconnected':
    case 'ParticipantLeft':
    case 'ParticipantMediaUpdated':
    case 'RecordingConsentGiven':
    case 'RecordingConsentWithdrawn':
      return { table: 'participants', event };
    case 'RecordingStarted':
    case 'RecordingStopped':
    case 'RecordingUploaded':
    case 'RecordingKeyRotated':
    case 'RecordingFailed':
    case 'RecordingPurged':
    case 'RecordingLegalHoldSet':
    case 'RecordingLegalHoldReleased':
      return { table: 'recordings', event };
    default:
      return assertNever(event);
  }
}

/** The call a call or quality stream belongs to, or null for any other stream. */
export function callIdOfStream(streamId: string): string | null {
  if (streamId.startsWith(CALL_STREAM_PREFIX)) {
    return uuidOrNull(streamId.slice(CALL_STREAM_PREFIX.length));
  }
  if (streamId.startsWith(CALL_QUALITY_STREAM_PREFIX)) {
    return uuidOrNull(streamId.slice(CALL_QUALITY_STREAM_PREFIX.length));
  }
  return null;
}

export function rowsToLoad(events: readonly RecordedEvent[]): RowsToLoad {
  const callIds = new Set<string>();
  const initiated = new Set<string>();
  const participantCallIds = new Set<string>();
  const started = new Set<string>();
  const recordings = new Map<string, string>();
  for (const recorded of events) {
    const callId = callIdOfStream(recorded.streamId);
    if (callId === null) continue;
    callIds.add(callId);
    if (!recorded.streamId.startsWith(CALL_STREAM_PREFIX)) continue;
    const { table, event } = route(parseCallEvent(recorded));
    if (table === 'opening') initiated.add(callId);
    if (table === 'participants') participantCallIds.add(callId);
    if (table === 'recordings') {
      const recordingId = uuidOrNull(event.data.recordingId);
      if (recordingId === null) continue;
      // A recording started in this batch is created by it; later events find it there.
      if (event.type === 'RecordingStarted') started.add(recordingId);
      else if (!started.has(recordingId)) recordings.set(recordingId, callId);
    }
  }
  return {
    callIds: [...callIds],
    initiatedCallIds: [...initiated],
    participantCallIds: [...participantCallIds],
    recordings: [...recordings].map(([recordingId, callId]) => ({ callId, recordingId })),
  };
}

export function foldCallReadModels(
  loaded: LoadedRows,
  events: readonly RecordedEvent[],
): ReadModelChanges {
  const fold = new BatchFold(new WorkingRows(loaded));
  for (const event of events) fold.apply(event);
  return fold.rows.changes();
}

class BatchFold {
  constructor(readonly rows: WorkingRows) {}

  apply(recorded: RecordedEvent): void {
    const callId = callIdOfStream(recorded.streamId);
    if (callId === null) return;
    if (recorded.streamId.startsWith(CALL_STREAM_PREFIX)) {
      this.applyCallEvent(callId, readModelEvent(recorded, parseCallEvent(recorded)));
    } else {
      this.applyQualityEvent(callId, readModelEvent(recorded, parseCallQualityEvent(recorded)));
    }
  }

  private isApplied(call: CallRow | undefined, position: string): boolean {
    return call !== undefined && comparePositions(position, call.last_position) <= 0;
  }

  private applyCallEvent(callId: string, input: ReadModelEvent<CallEvent>): void {
    const known = this.rows.peekCall(callId);
    if (this.isApplied(known, input.position)) return;
    if (!known) {
      if (input.event.type === 'CallInitiated') {
        this.initiate(callId, input as ReadModelEvent<CallInitiated>);
      }
      // Anything else before the call exists has nothing to apply to.
      return;
    }
    const call = this.rows.editCall(callId) as CallRow;
    if (this.applyToTables(call, input)) {
      countInDailyStats(this.rows.dailyOf(call), input.event, call);
    }
    call.revision = input.revision;
    call.last_position = input.position;
    call.updated_at = input.occurredAt;
  }

  private initiate(callId: string, input: ReadModelEvent<CallInitiated>): void {
    const call = newCallRow(callId, input);
    if (call === null) return;
    this.rows.addCall(call);
    this.rows.addParticipant(invitedParticipant(callId, call.provider_id, 'provider'));
    if (call.patient_id !== call.provider_id) {
      this.rows.addParticipant(invitedParticipant(callId, call.patient_id, 'patient'));
    }
    countInDailyStats(this.rows.dailyOf(call), input.event, call);
  }

  /** Hands the event to its table's fold; returns whether it took effect there. */
  private applyToTables(call: CallRow, input: ReadModelEvent<CallEvent>): boolean {
    const routed = route(input.event);
    switch (routed.table) {
      case 'opening':
        // Opens the call (see `initiate`); a later copy only moves the revision.
        return false;
      case 'calls':
        return foldCallLifecycle(call, routed.event, input.at);
      case 'participants': {
        const participant = this.rows.editParticipant(call.id, routed.event.data.userId);
        if (participant) foldParticipant(participant, routed.event, input.at);
        return false;
      }
      case 'recordings':
        return this.applyToRecording(call, routed.event, input);
      default:
        return assertNever(routed);
    }
  }

  private applyToRecording(
    call: CallRow,
    event: RecordingEvent,
    input: ReadModelEvent<CallEvent>,
  ): boolean {
    if (event.type === 'RecordingStarted') {
      const recording = startedRecording(call.id, { ...input, event });
      if (recording === null || this.rows.hasRecording(recording.id)) return false;
      this.rows.addRecording(recording);
      call.recording_count += 1;
      return true;
    }
    const recording = this.rows.editRecording(call.id, event.data.recordingId);
    if (!recording) return false;
    recording.last_position = input.position;
    return foldRecording(recording, event, input.at);
  }

  private applyQualityEvent(callId: string, input: ReadModelEvent<CallQualityEvent>): void {
    const known = this.rows.peekCall(callId);
    if (this.isApplied(known, input.position)) return;
    const sample = qualitySampleRow(callId, input);
    if (sample === null) return;
    this.rows.addSample(sample);
    // A sample of a call not projected (yet) still lands in call_quality_samples.
    const call = known ? (this.rows.editCall(callId) as CallRow) : undefined;
    if (!call) return;
    countQualitySample(call, sample);
    call.last_position = input.position;
    call.updated_at = input.occurredAt;
  }
}
