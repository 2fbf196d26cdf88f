import type {
  CallRow,
  DailyStatsDelta,
  ParticipantRow,
  QualitySampleRow,
  RecordingRow,
} from '../read-model-rows.js';
import { emptyDailyStats } from './daily-stats.fold.js';
import { uuidOrNull } from './event-values.js';

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

export const participantKey = (callId: string, userId: string): string => `${callId}/${userId}`;

const utcDay = (iso: string): string => iso.slice(0, 10);

/** The working copy of a row: copied from the loaded one on first change. */
function editable<Row extends object>(
  working: Map<string, Row>,
  loaded: ReadonlyMap<string, Row>,
  key: string,
): Row | undefined {
  const row = working.get(key);
  if (row) return row;
  const stored = loaded.get(key);
  if (!stored) return undefined;
  const copy = { ...stored };
  working.set(key, copy);
  return copy;
}

/** One batch's working set: rows are copied on first change, so the loaded rows stay untouched. */
export class WorkingRows {
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

  peekCall(callId: string): CallRow | undefined {
    return this.calls.get(callId) ?? this.loaded.calls.get(callId);
  }

  editCall(callId: string): CallRow | undefined {
    return editable(this.calls, this.loaded.calls, callId);
  }

  addCall(call: CallRow): void {
    this.calls.set(call.id, call);
  }

  editParticipant(callId: string, userId: unknown): ParticipantRow | undefined {
    const id = uuidOrNull(userId);
    if (id === null) return undefined;
    return editable(this.participants, this.loaded.participants, participantKey(callId, id));
  }

  addParticipant(participant: ParticipantRow): void {
    this.participants.set(participantKey(participant.call_id, participant.user_id), participant);
  }

  hasRecording(recordingId: string): boolean {
    return this.recordings.has(recordingId) || this.loaded.recordings.has(recordingId);
  }

  editRecording(callId: string, recordingId: unknown): RecordingRow | undefined {
    const id = uuidOrNull(recordingId);
    if (id === null) return undefined;
    const row = this.recordings.get(id) ?? this.loaded.recordings.get(id);
    if (!row || row.call_id !== callId) return undefined;
    if (this.recordings.get(id) === row) return row;
    const copy = { ...row, consented_participants: [...row.consented_participants] };
    this.recordings.set(id, copy);
    return copy;
  }

  addRecording(recording: RecordingRow): void {
    this.recordings.set(recording.id, recording);
  }

  addSample(sample: QualitySampleRow): void {
    this.samples.push(sample);
  }

  /** The day's statistics a call counts in: its provider's, on the UTC day it was initiated. */
  dailyOf(call: CallRow): DailyStatsDelta {
    const day = utcDay(call.initiated_at);
    const key = `${day}/${call.provider_id}`;
    let delta = this.daily.get(key);
    if (!delta) {
      delta = emptyDailyStats(day, call.provider_id);
      this.daily.set(key, delta);
    }
    return delta;
  }
}
