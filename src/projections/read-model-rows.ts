/**
 * The rows of the read-model tables (migration 004-read-models), one property per column, named
 * as the columns are so that a batch of rows goes to PostgreSQL as JSON unchanged. Instants are
 * ISO-8601 UTC strings; ledger positions are decimal strings (numeric(40,0) in the tables).
 */

export interface CallRow {
  id: string;
  type: string;
  status: string;
  provider_id: string;
  patient_id: string;
  initiator_id: string;
  callee_id: string;
  reason: string | null;
  recording_enabled: boolean;
  scheduled_at: string | null;
  initiated_at: string;
  started_at: string | null;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  recording_count: number;
  quality_warning_count: number;
  quality_sample_count: number;
  avg_rtt_ms: number | null;
  avg_jitter_ms: number | null;
  avg_packet_loss_pct: number | null;
  avg_mos: number | null;
  /** Running sums behind the averages: summed in feed order, so every replay gets the same bits. */
  quality_rtt_ms_sum: number;
  quality_jitter_ms_sum: number;
  quality_packet_loss_pct_sum: number;
  quality_mos_sum: number;
  connectivity: 'p2p' | 'relay' | null;
  /** The revision of the call's own stream (`call-<id>`) last applied: the call's ETag. */
  revision: number;
  /** The newest position applied to this row, from the call stream or its quality stream. */
  last_position: string;
  /** When the last event applied to this row occurred (ledger time, so rebuilds agree). */
  updated_at: string;
}

export interface ParticipantRow {
  call_id: string;
  user_id: string;
  role: 'provider' | 'patient';
  status: string;
  joined_at: string | null;
  left_at: string | null;
  left_reason: string | null;
  disconnected_at: string | null;
  participation_seconds: number;
  video_enabled: boolean;
  audio_enabled: boolean;
  screen_share_enabled: boolean;
  consented_to_recording: boolean;
  consent_changed_at: string | null;
}

export type RecordingRowStatus = 'RECORDING' | 'STOPPED' | 'COMPLETED' | 'FAILED' | 'PURGED';

export interface RecordingRow {
  id: string;
  call_id: string;
  status: RecordingRowStatus;
  started_by: string;
  started_at: string;
  stopped_at: string | null;
  stopped_by: string | null;
  stop_reason: string | null;
  duration_seconds: number | null;
  consented_participants: string[];
  size_bytes: number | null;
  sha256: string | null;
  storage_key: string | null;
  key_id: string | null;
  content_type: string | null;
  completed_at: string | null;
  failed_at: string | null;
  failure_reason: string | null;
  expires_at: string | null;
  legal_hold: boolean;
  purged_at: string | null;
  last_position: string;
}

export interface QualitySampleRow {
  event_id: string;
  call_id: string;
  user_id: string;
  sampled_at: string;
  rtt_ms: number;
  jitter_ms: number;
  packet_loss_pct: number;
  bitrate_kbps: number | null;
  mos: number;
  candidate_type: string | null;
  connection_state: string | null;
  poor: boolean;
}

/** Increments for one (UTC day of initiation, provider) row; written as `column + delta`. */
export interface DailyStatsDelta {
  day: string;
  provider_id: string;
  calls_initiated: number;
  calls_ended: number;
  calls_missed: number;
  calls_declined: number;
  calls_cancelled: number;
  calls_failed: number;
  duration_seconds_total: number;
  recordings_started: number;
  recordings_completed: number;
  recordings_failed: number;
  quality_warnings: number;
}

export interface AuditRow {
  position: string;
  event_id: string;
  stream_id: string;
  occurred_at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  call_id: string | null;
  recording_id: string | null;
  outcome: string;
  origin: { ip?: string; userAgent?: string } | null;
}

export const CALL_COLUMNS = [
  'id',
  'type',
  'status',
  'provider_id',
  'patient_id',
  'initiator_id',
  'callee_id',
  'reason',
  'recording_enabled',
  'scheduled_at',
  'initiated_at',
  'started_at',
  'ended_at',
  'ended_by',
  'end_reason',
  'duration_seconds',
  'failure_reason',
  'recording_count',
  'quality_warning_count',
  'quality_sample_count',
  'avg_rtt_ms',
  'avg_jitter_ms',
  'avg_packet_loss_pct',
  'avg_mos',
  'quality_rtt_ms_sum',
  'quality_jitter_ms_sum',
  'quality_packet_loss_pct_sum',
  'quality_mos_sum',
  'connectivity',
  'revision',
  'last_position',
  'updated_at',
] as const satisfies readonly (keyof CallRow)[];

export const PARTICIPANT_COLUMNS = [
  'call_id',
  'user_id',
  'role',
  'status',
  'joined_at',
  'left_at',
  'left_reason',
  'disconnected_at',
  'participation_seconds',
  'video_enabled',
  'audio_enabled',
  'screen_share_enabled',
  'consented_to_recording',
  'consent_changed_at',
] as const satisfies readonly (keyof ParticipantRow)[];

export const RECORDING_COLUMNS = [
  'id',
  'call_id',
  'status',
  'started_by',
  'started_at',
  'stopped_at',
  'stopped_by',
  'stop_reason',
  'duration_seconds',
  'consented_participants',
  'size_bytes',
  'sha256',
  'storage_key',
  'key_id',
  'content_type',
  'completed_at',
  'failed_at',
  'failure_reason',
  'expires_at',
  'legal_hold',
  'purged_at',
  'last_position',
] as const satisfies readonly (keyof RecordingRow)[];

export const QUALITY_SAMPLE_COLUMNS = [
  'event_id',
  'call_id',
  'user_id',
  'sampled_at',
  'rtt_ms',
  'jitter_ms',
  'packet_loss_pct',
  'bitrate_kbps',
  'mos',
  'candidate_type',
  'connection_state',
  'poor',
] as const satisfies readonly (keyof QualitySampleRow)[];

export const DAILY_STATS_KEY_COLUMNS = ['day', 'provider_id'] as const;

export const DAILY_STATS_COUNTER_COLUMNS = [
  'calls_initiated',
  'calls_ended',
  'calls_missed',
  'calls_declined',
  'calls_cancelled',
  'calls_failed',
  'duration_seconds_total',
  'recordings_started',
  'recordings_completed',
  'recordings_failed',
  'quality_warnings',
] as const satisfies readonly (keyof DailyStatsDelta)[];

export const AUDIT_COLUMNS = [
  'position',
  'event_id',
  'stream_id',
  'occurred_at',
  'actor_id',
  'actor_role',
  'action',
  'call_id',
  'recording_id',
  'outcome',
  'origin',
] as const satisfies readonly (keyof AuditRow)[];

/** Fails to compile when a row property has no column in its list. */
type Missing<Row, Columns extends readonly string[]> = Exclude<keyof Row, Columns[number]>;
type NoneMissing<T extends never> = T;
export type _EveryColumnListed = NoneMissing<
  | Missing<CallRow, typeof CALL_COLUMNS>
  | Missing<ParticipantRow, typeof PARTICIPANT_COLUMNS>
  | Missing<RecordingRow, typeof RECORDING_COLUMNS>
  | Missing<QualitySampleRow, typeof QUALITY_SAMPLE_COLUMNS>
  | Missing<AuditRow, typeof AUDIT_COLUMNS>
  | Exclude<
      keyof DailyStatsDelta,
      (typeof DAILY_STATS_KEY_COLUMNS)[number] | (typeof DAILY_STATS_COUNTER_COLUMNS)[number]
    >
>;

const DASH = 45;

/**
 * A UUID in the canonical lower-case form PostgreSQL prints, or null for anything else. (Called
 * for several fields of every event, so it is a character loop rather than a regular expression.)
 */
export function uuidOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || value.length !== 36) return null;
  let lowerCase = true;
  for (let i = 0; i < 36; i += 1) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== DASH) return null;
    } else if (c >= 65 && c <= 70) {
      lowerCase = false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
      return null;
    }
  }
  return lowerCase ? value : value.toLowerCase();
}

/** An ISO instant as `toISOString()` writes it (UTC, milliseconds), or null when unparseable. */
export function isoInstant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // The common case, already canonical: `2025-01-06T08:00:00.000Z`.
  if (value.length === 24 && value.charCodeAt(23) === 90 && value.charCodeAt(10) === 84) {
    return value;
  }
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * Orders two ledger positions. The read models store positions as numeric(40,0) because, for every
 * adapter, positions are unsigned decimal integers that order like the feed (see pair-position.ts);
 * this is that same order without parsing: a longer numeral is larger, equal lengths compare as text.
 */
export function comparePositions(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
