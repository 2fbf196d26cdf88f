import type { RecordedEvent } from '../application/ports/event-store.port.js';
import type { JsonObject } from '../domain/shared/event.js';
import {
  comparePositions,
  isoInstant,
  uuidOrNull,
  type CallRow,
  type DailyStatsDelta,
  type ParticipantRow,
  type QualitySampleRow,
  type RecordingRow,
} from './read-model-rows.js';

/*
 * The pure half of the call read models: given the rows a batch touches (as loaded) and the batch's
 * events in feed order, the rows to write. No I/O; the projection loads and writes around it.
 *
 * Idempotence: a call row remembers the newest position applied to it (`last_position`); an event
 * at or before it is skipped, and with it every change it implies (participants, recordings, daily
 * statistics, quality samples). Replaying an applied event therefore changes nothing, and folding
 * a run of events in one batch or split into many gives the same rows.
 */

export const CALL_STREAM_PREFIX = 'call-';
export const QUALITY_STREAM_PREFIX = 'callquality-';

/** Events whose effect lands on a participant row. */
const PARTICIPANT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ParticipantJoined',
  'ParticipantConnected',
  'ParticipantReconnected',
  'ParticipantDisconnected',
  'ParticipantLeft',
  'ParticipantMediaUpdated',
  'RecordingConsentGiven',
  'RecordingConsentWithdrawn',
]);

/** Events whose effect lands on a recording row (the later ones come with the recording issue). */
const RECORDING_EVENT_TYPES: ReadonlySet<string> = new Set([
  'RecordingStarted',
  'RecordingStopped',
  'RecordingUploaded',
  'RecordingFailed',
  'RecordingPurged',
  'RecordingLegalHoldSet',
  'RecordingLegalHoldReleased',
]);

const CANDIDATE_TYPES: ReadonlySet<string> = new Set(['host', 'srflx', 'prflx', 'relay']);

export interface LoadedRows {
  readonly calls: ReadonlyMap<string, CallRow>;
  /** Keyed by `participantKey(callId, userId)`. */
  readonly participants: ReadonlyMap<string, ParticipantRow>;
  readonly recordings: ReadonlyMap<string, RecordingRow>;
}

export interface ReadModelChanges {
  readonly calls: CallRow[];
  readonly participants: ParticipantRow[];
  readonly recordings: RecordingRow[];
  /** New samples; a replayed one is refused by its primary key (the event id). */
  readonly qualitySamples: QualitySampleRow[];
  readonly dailyStats: DailyStatsDelta[];
}

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

export const participantKey = (callId: string, userId: string): string => `${callId}/${userId}`;

/** The call a call or quality stream belongs to, or null for any other stream. */
export function callIdOfStream(streamId: string): string | null {
  if (streamId.startsWith(CALL_STREAM_PREFIX)) {
    return uuidOrNull(streamId.slice(CALL_STREAM_PREFIX.length));
  }
  if (streamId.startsWith(QUALITY_STREAM_PREFIX)) {
    return uuidOrNull(streamId.slice(QUALITY_STREAM_PREFIX.length));
  }
  return null;
}

export function rowsToLoad(events: readonly RecordedEvent[]): RowsToLoad {
  const callIds = new Set<string>();
  const initiated = new Set<string>();
  const participantCallIds = new Set<string>();
  const started = new Set<string>();
  const recordings = new Map<string, string>();
  for (const event of events) {
    const callId = callIdOfStream(event.streamId);
    if (callId === null) continue;
    callIds.add(callId);
    if (!event.streamId.startsWith(CALL_STREAM_PREFIX)) continue;
    if (event.type === 'CallInitiated') initiated.add(callId);
    if (PARTICIPANT_EVENT_TYPES.has(event.type)) participantCallIds.add(callId);
    if (RECORDING_EVENT_TYPES.has(event.type)) {
      const recordingId = uuidOrNull(event.data['recordingId']);
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
  const fold = new BatchFold(loaded);
  for (const event of events) fold.apply(event);
  return fold.changes();
}

// --- reading event data defensively: a malformed event is skipped, never allowed to wedge a batch

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const wholeSeconds = (value: unknown): number | null => {
  const seconds = finite(value);
  return seconds === null ? null : Math.round(seconds);
};

const instant = isoInstant;

function occurredAt(event: RecordedEvent): string {
  return (
    instant(event.metadata.occurredAt) ?? instant(event.data['at']) ?? new Date(0).toISOString()
  );
}

/** `data.at` when the event carries it, else when it occurred. */
const eventTime = (event: RecordedEvent): string => instant(event.data['at']) ?? occurredAt(event);

const secondsBetween = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

const utcDay = (iso: string): string => iso.slice(0, 10);

function emptyDelta(day: string, providerId: string): DailyStatsDelta {
  return {
    day,
    provider_id: providerId,
    calls_initiated: 0,
    calls_ended: 0,
    calls_missed: 0,
    calls_declined: 0,
    calls_cancelled: 0,
    calls_failed: 0,
    duration_seconds_total: 0,
    recordings_started: 0,
    recordings_completed: 0,
    recordings_failed: 0,
    quality_warnings: 0,
  };
}

function newCallRow(callId: string, event: RecordedEvent): CallRow | null {
  const data = event.data;
  const providerId = uuidOrNull(data['providerId']);
  const patientId = uuidOrNull(data['patientId']);
  const initiatedAt = instant(data['initiatedAt']) ?? occurredAt(event);
  const status = text(data['status']) === 'SCHEDULED' ? 'SCHEDULED' : 'RINGING';
  if (providerId === null || patientId === null) return null;
  return {
    id: callId,
    type: text(data['type']) ?? 'VIDEO',
    status,
    provider_id: providerId,
    patient_id: patientId,
    initiator_id: uuidOrNull(data['initiatorId']) ?? providerId,
    callee_id: uuidOrNull(data['calleeId']) ?? patientId,
    reason: text(data['reason']),
    recording_enabled: data['recordingEnabled'] === true,
    scheduled_at: instant(data['scheduledAt']),
    initiated_at: initiatedAt,
    started_at: null,
    ended_at: null,
    ended_by: null,
    end_reason: null,
    duration_seconds: null,
    failure_reason: null,
    recording_count: 0,
    quality_warning_count: 0,
    quality_sample_count: 0,
    avg_rtt_ms: null,
    avg_jitter_ms: null,
    avg_packet_loss_pct: null,
    avg_mos: null,
    quality_rtt_ms_sum: 0,
    quality_jitter_ms_sum: 0,
    quality_packet_loss_pct_sum: 0,
    quality_mos_sum: 0,
    connectivity: null,
    revision: event.revision,
    last_position: event.position,
    updated_at: occurredAt(event),
  };
}

function invitedParticipant(
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

function qualitySample(callId: string, event: RecordedEvent): QualitySampleRow | null {
  const data: JsonObject = event.data;
  const eventId = uuidOrNull(event.eventId);
  const userId = uuidOrNull(data['userId']);
  const rtt = finite(data['rttMs']);
  const jitter = finite(data['jitterMs']);
  const loss = finite(data['packetLossPct']);
  const mos = finite(data['mos']);
  if (eventId === null || userId === null) return null;
  if (rtt === null || jitter === null || loss === null || mos === null) return null;
  const candidate = text(data['candidateType']);
  return {
    event_id: eventId,
    call_id: callId,
    user_id: userId,
    sampled_at: instant(data['sampledAt']) ?? occurredAt(event),
    rtt_ms: rtt,
    jitter_ms: jitter,
    packet_loss_pct: loss,
    bitrate_kbps: finite(data['bitrateKbps']),
    mos,
    candidate_type: candidate !== null && CANDIDATE_TYPES.has(candidate) ? candidate : null,
    connection_state: text(data['connectionState']),
    poor: data['poor'] === true,
  };
}

/** One batch's working set: rows are copied on first change, so the loaded rows stay untouched. */
class BatchFold {
  private readonly calls = new Map<string, CallRow>();
  private readonly participants = new Map<string, ParticipantRow>();
  private readonly recordings = new Map<string, RecordingRow>();
  private readonly samples: QualitySampleRow[] = [];
  private readonly daily = new Map<string, DailyStatsDelta>();

  constructor(private readonly loaded: LoadedRows) {}

  changes(): ReadModelChanges {
    return {
      calls: [...this.calls.values()],
      participants: [...this.participants.values()],
      recordings: [...this.recordings.values()],
      qualitySamples: this.samples,
      dailyStats: [...this.daily.values()],
    };
  }

  apply(event: RecordedEvent): void {
    const callId = callIdOfStream(event.streamId);
    if (callId === null) return;
    if (event.streamId.startsWith(CALL_STREAM_PREFIX)) this.applyCallEvent(callId, event);
    else this.applyQualityEvent(callId, event);
  }

  private peekCall(callId: string): CallRow | undefined {
    return this.calls.get(callId) ?? this.loaded.calls.get(callId);
  }

  private editCall(callId: string): CallRow | undefined {
    const working = this.calls.get(callId);
    if (working) return working;
    const loaded = this.loaded.calls.get(callId);
    if (!loaded) return undefined;
    const copy = { ...loaded };
    this.calls.set(callId, copy);
    return copy;
  }

  private editParticipant(callId: string, userId: unknown): ParticipantRow | undefined {
    const id = uuidOrNull(userId);
    if (id === null) return undefined;
    const key = participantKey(callId, id);
    const working = this.participants.get(key);
    if (working) return working;
    const loaded = this.loaded.participants.get(key);
    if (!loaded) return undefined;
    const copy = { ...loaded };
    this.participants.set(key, copy);
    return copy;
  }

  private editRecording(callId: string, recordingId: unknown): RecordingRow | undefined {
    const id = uuidOrNull(recordingId);
    if (id === null) return undefined;
    const row = this.recordings.get(id) ?? this.loaded.recordings.get(id);
    if (!row || row.call_id !== callId) return undefined;
    if (this.recordings.get(id) === row) return row;
    const copy = { ...row, consented_participants: [...row.consented_participants] };
    this.recordings.set(id, copy);
    return copy;
  }

  private dailyOf(call: CallRow): DailyStatsDelta {
    const day = utcDay(call.initiated_at);
    const key = `${day}/${call.provider_id}`;
    let delta = this.daily.get(key);
    if (!delta) {
      delta = emptyDelta(day, call.provider_id);
      this.daily.set(key, delta);
    }
    return delta;
  }

  private applyCallEvent(callId: string, event: RecordedEvent): void {
    const known = this.peekCall(callId);
    if (known && comparePositions(event.position, known.last_position) <= 0) return;
    if (!known) {
      if (event.type === 'CallInitiated') this.initiate(callId, event);
      // Anything else before the call exists has nothing to apply to.
      return;
    }
    const call = this.editCall(callId) as CallRow;
    this.applyToCall(call, event);
    call.revision = event.revision;
    call.last_position = event.position;
    call.updated_at = occurredAt(event);
  }

  private initiate(callId: string, event: RecordedEvent): void {
    const call = newCallRow(callId, event);
    if (call === null) return;
    this.calls.set(callId, call);
    this.participants.set(
      participantKey(callId, call.provider_id),
      invitedParticipant(callId, call.provider_id, 'provider'),
    );
    if (call.patient_id !== call.provider_id) {
      this.participants.set(
        participantKey(callId, call.patient_id),
        invitedParticipant(callId, call.patient_id, 'patient'),
      );
    }
    this.dailyOf(call).calls_initiated += 1;
  }

  /** Mirrors the decider's `evolve`: a lifecycle event that cannot apply to the status is a no-op. */
  private applyToCall(call: CallRow, event: RecordedEvent): void {
    const data = event.data;
    const at = eventTime(event);
    switch (event.type) {
      case 'CallRingingStarted':
        if (call.status === 'SCHEDULED') call.status = 'RINGING';
        return;
      case 'CallAnswered':
        if (call.status !== 'RINGING') return;
        call.status = 'IN_PROGRESS';
        call.started_at = instant(data['startedAt']) ?? at;
        return;
      case 'CallDeclined':
        if (call.status !== 'RINGING') return;
        this.finish(call, 'DECLINED', at, text(data['declinedBy']), text(data['reason']));
        this.dailyOf(call).calls_declined += 1;
        return;
      case 'CallCancelled':
        if (call.status !== 'SCHEDULED' && call.status !== 'RINGING') return;
        this.finish(call, 'CANCELLED', at, text(data['cancelledBy']), text(data['reason']));
        this.dailyOf(call).calls_cancelled += 1;
        return;
      case 'CallMissed':
        if (call.status !== 'RINGING') return;
        this.finish(call, 'MISSED', at, 'system', null);
        this.dailyOf(call).calls_missed += 1;
        return;
      case 'CallEnded': {
        if (call.status !== 'IN_PROGRESS') return;
        const endedAt = instant(data['endedAt']) ?? at;
        this.finish(call, 'ENDED', endedAt, text(data['endedBy']), text(data['reason']));
        const duration =
          wholeSeconds(data['durationSeconds']) ??
          (call.started_at ? secondsBetween(call.started_at, endedAt) : 0);
        call.duration_seconds = duration;
        const daily = this.dailyOf(call);
        daily.calls_ended += 1;
        daily.duration_seconds_total += duration;
        return;
      }
      case 'CallFailed': {
        if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') return;
        const reason = text(data['reason']) ?? 'unknown';
        this.finish(call, 'FAILED', at, null, reason);
        call.failure_reason = reason;
        this.dailyOf(call).calls_failed += 1;
        return;
      }
      case 'CallQualityDegraded':
        call.quality_warning_count += 1;
        this.dailyOf(call).quality_warnings += 1;
        return;
      default:
        if (PARTICIPANT_EVENT_TYPES.has(event.type)) this.applyToParticipant(call, event, at);
        else if (RECORDING_EVENT_TYPES.has(event.type)) this.applyToRecording(call, event, at);
      // Any other event of the call's stream only moves its revision.
    }
  }

  private finish(
    call: CallRow,
    status: string,
    endedAt: string,
    endedBy: string | null,
    reason: string | null,
  ): void {
    call.status = status;
    call.ended_at = endedAt;
    call.ended_by = endedBy;
    call.end_reason = reason;
  }

  private applyToParticipant(call: CallRow, event: RecordedEvent, at: string): void {
    const data = event.data;
    const participant = this.editParticipant(call.id, data['userId']);
    if (!participant) return;
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
        participant.left_reason = text(data['reason']);
        participant.disconnected_at = null;
        return;
      case 'ParticipantMediaUpdated':
        if (typeof data['video'] === 'boolean') participant.video_enabled = data['video'];
        if (typeof data['audio'] === 'boolean') participant.audio_enabled = data['audio'];
        if (typeof data['screenShare'] === 'boolean') {
          participant.screen_share_enabled = data['screenShare'];
        }
        return;
      case 'RecordingConsentGiven':
      case 'RecordingConsentWithdrawn':
        participant.consented_to_recording = event.type === 'RecordingConsentGiven';
        participant.consent_changed_at = at;
        return;
    }
  }

  private applyToRecording(call: CallRow, event: RecordedEvent, at: string): void {
    const data = event.data;
    if (event.type === 'RecordingStarted') {
      const id = uuidOrNull(data['recordingId']);
      if (id === null || this.recordings.has(id) || this.loaded.recordings.has(id)) return;
      const consented = Array.isArray(data['consentedParticipants'])
        ? data['consentedParticipants'].map(uuidOrNull).filter((v): v is string => v !== null)
        : [];
      this.recordings.set(id, {
        id,
        call_id: call.id,
        status: 'RECORDING',
        started_by: text(data['startedBy']) ?? 'system',
        started_at: at,
        stopped_at: null,
        stopped_by: null,
        stop_reason: null,
        duration_seconds: null,
        consented_participants: consented,
        size_bytes: null,
        sha256: null,
        storage_key: null,
        key_id: null,
        content_type: null,
        completed_at: null,
        failed_at: null,
        failure_reason: null,
        expires_at: null,
        legal_hold: false,
        purged_at: null,
        last_position: event.position,
      });
      call.recording_count += 1;
      this.dailyOf(call).recordings_started += 1;
      return;
    }
    const recording = this.editRecording(call.id, data['recordingId']);
    if (!recording) return;
    recording.last_position = event.position;
    switch (event.type) {
      case 'RecordingStopped':
        if (recording.status !== 'RECORDING') return;
        recording.status = 'STOPPED';
        recording.stopped_at = at;
        recording.stopped_by = text(data['stoppedBy']);
        recording.stop_reason = text(data['reason']);
        recording.duration_seconds = wholeSeconds(data['durationSeconds']);
        return;
      case 'RecordingUploaded':
        recording.status = 'COMPLETED';
        recording.size_bytes = finite(data['sizeBytes']);
        recording.sha256 = text(data['sha256']);
        recording.storage_key = text(data['storageKey']);
        recording.key_id = text(data['keyId']);
        recording.content_type = text(data['contentType']);
        recording.expires_at = instant(data['expiresAt']);
        recording.completed_at = at;
        this.dailyOf(call).recordings_completed += 1;
        return;
      case 'RecordingFailed':
        recording.status = 'FAILED';
        recording.failed_at = at;
        recording.failure_reason = text(data['reason']);
        this.dailyOf(call).recordings_failed += 1;
        return;
      case 'RecordingPurged':
        recording.status = 'PURGED';
        recording.purged_at = at;
        return;
      case 'RecordingLegalHoldSet':
      case 'RecordingLegalHoldReleased':
        recording.legal_hold = event.type === 'RecordingLegalHoldSet';
        return;
    }
  }

  private applyQualityEvent(callId: string, event: RecordedEvent): void {
    if (event.type !== 'QualitySampleRecorded') return;
    const known = this.peekCall(callId);
    if (known && comparePositions(event.position, known.last_position) <= 0) return;
    const sample = qualitySample(callId, event);
    if (sample === null) return;
    this.samples.push(sample);
    // A sample of a call not projected (yet) still lands in call_quality_samples.
    const call = known ? (this.editCall(callId) as CallRow) : undefined;
    if (!call) return;
    const count = call.quality_sample_count + 1;
    call.quality_sample_count = count;
    call.quality_rtt_ms_sum += sample.rtt_ms;
    call.quality_jitter_ms_sum += sample.jitter_ms;
    call.quality_packet_loss_pct_sum += sample.packet_loss_pct;
    call.quality_mos_sum += sample.mos;
    call.avg_rtt_ms = call.quality_rtt_ms_sum / count;
    call.avg_jitter_ms = call.quality_jitter_ms_sum / count;
    call.avg_packet_loss_pct = call.quality_packet_loss_pct_sum / count;
    call.avg_mos = call.quality_mos_sum / count;
    if (sample.candidate_type === 'relay') call.connectivity = 'relay';
    else if (sample.candidate_type !== null && call.connectivity === null)
      call.connectivity = 'p2p';
    call.last_position = event.position;
    call.updated_at = occurredAt(event);
  }
}
