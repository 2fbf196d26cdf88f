import type { Knex } from 'knex';
import { CALL_STATUSES, type CallStatus } from '../../domain/call/call.values.js';
import type {
  AuditEntry,
  AuditFilter,
  CallDetails,
  CallReadModel,
  CallStatistics,
  CallSummary,
  HistoryFilter,
  Page,
  ParticipantView,
  RecordingView,
} from '../../application/ports/call-read-model.port.js';
import { decodeCursor, encodeCursor } from '../postgres/keyset-cursor.js';

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);
const text = (value: unknown): string | null => (value as string | null) ?? null;
const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const round = (value: number | null, digits: number): number | null =>
  value === null ? null : Number(value.toFixed(digits));
const ratio = (part: number, whole: number): number | null =>
  whole === 0 ? null : Number((part / whole).toFixed(4));

const SUMMARY_COLUMNS = [
  'c.*',
  'provider.display_name as provider_name',
  'patient.display_name as patient_name',
];

function toSummary(row: Row): CallSummary {
  return {
    id: String(row['id']),
    type: row['type'] as CallSummary['type'],
    status: row['status'] as CallStatus,
    providerId: String(row['provider_id']),
    providerName: text(row['provider_name']),
    patientId: String(row['patient_id']),
    patientName: text(row['patient_name']),
    initiatorId: String(row['initiator_id']),
    calleeId: String(row['callee_id']),
    reason: text(row['reason']),
    scheduledAt: iso(row['scheduled_at']),
    initiatedAt: iso(row['initiated_at']) ?? '',
    startedAt: iso(row['started_at']),
    endedAt: iso(row['ended_at']),
    endedBy: text(row['ended_by']),
    endReason: text(row['end_reason']),
    failureReason: text(row['failure_reason']),
    duration: num(row['duration_seconds']),
    recordingEnabled: Boolean(row['recording_enabled']),
    recordingCount: Number(row['recording_count']),
    qualityWarningCount: Number(row['quality_warning_count']),
    connectivity: (row['connectivity'] as 'p2p' | 'relay' | null) ?? null,
    revision: Number(row['revision']),
  };
}

function toParticipant(row: Row): ParticipantView {
  return {
    userId: String(row['user_id']),
    displayName: text(row['display_name']),
    role: row['role'] as ParticipantView['role'],
    status: String(row['status']),
    joinedAt: iso(row['joined_at']),
    leftAt: iso(row['left_at']),
    leftReason: text(row['left_reason']),
    participationSeconds: Number(row['participation_seconds']),
    videoEnabled: Boolean(row['video_enabled']),
    audioEnabled: Boolean(row['audio_enabled']),
    screenShareEnabled: Boolean(row['screen_share_enabled']),
    consentedToRecording: Boolean(row['consented_to_recording']),
  };
}

function toRecording(row: Row): RecordingView {
  return {
    id: String(row['id']),
    callId: String(row['call_id']),
    status: String(row['status']),
    startedBy: String(row['started_by']),
    startedAt: iso(row['started_at']) ?? '',
    stoppedAt: iso(row['stopped_at']),
    stoppedBy: text(row['stopped_by']),
    stopReason: text(row['stop_reason']),
    duration: num(row['duration_seconds']),
    consentedParticipants: (row['consented_participants'] as string[] | null) ?? [],
    sizeBytes: num(row['size_bytes']),
    sha256: text(row['sha256']),
    contentType: text(row['content_type']),
    completedAt: iso(row['completed_at']),
    expiresAt: iso(row['expires_at']),
    legalHold: Boolean(row['legal_hold']),
    purgedAt: iso(row['purged_at']),
  };
}

function toAuditEntry(row: Row): AuditEntry {
  return {
    position: String(row['position']),
    occurredAt: iso(row['occurred_at']) ?? '',
    actorId: String(row['actor_id']),
    actorRole: String(row['actor_role']),
    action: String(row['action']),
    callId: text(row['call_id']),
    recordingId: text(row['recording_id']),
    outcome: String(row['outcome']),
    origin: (row['origin'] as AuditEntry['origin']) ?? null,
  };
}

/** Reads the projected tables with knex; every list is keyset-paginated. */
export class KnexCallReadModel implements CallReadModel {
  constructor(private readonly knex: Knex) {}

  async history(filter: HistoryFilter): Promise<Page<CallSummary> & { total: number }> {
    const filtered = (): Knex.QueryBuilder => {
      const query = this.knex('calls as c');
      if (filter.participantId) {
        const id = filter.participantId;
        // Two index-friendly branches instead of an OR across two columns.
        query.where((where) => where.where('c.provider_id', id).orWhere('c.patient_id', id));
      }
      if (filter.statuses.length > 0) query.whereIn('c.status', [...filter.statuses]);
      if (filter.from) query.where('c.initiated_at', '>=', filter.from);
      if (filter.to) query.where('c.initiated_at', '<', filter.to);
      return query;
    };
    const page = filtered()
      .leftJoin('users as provider', 'provider.id', 'c.provider_id')
      .leftJoin('users as patient', 'patient.id', 'c.patient_id')
      .select(SUMMARY_COLUMNS)
      .orderBy([
        { column: 'c.initiated_at', order: 'desc' },
        { column: 'c.id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    if (filter.cursor) {
      page.whereRaw(
        '(c.initiated_at, c.id) < (?::timestamptz, ?::uuid)',
        decodeCursor(filter.cursor, ['instant', 'uuid']),
      );
    }
    const [rows, counted] = await Promise.all([
      page as Promise<Row[]>,
      filtered().count<{ count: string }[]>('* as count'),
    ]);
    const items = rows.slice(0, filter.limit).map(toSummary);
    const last = items.at(-1);
    return {
      items,
      total: Number(counted[0]?.count ?? 0),
      nextCursor:
        rows.length > filter.limit && last ? encodeCursor([last.initiatedAt, last.id]) : null,
    };
  }

  async findCall(callId: string): Promise<CallDetails | null> {
    const row = (await this.knex('calls as c')
      .leftJoin('users as provider', 'provider.id', 'c.provider_id')
      .leftJoin('users as patient', 'patient.id', 'c.patient_id')
      .select(SUMMARY_COLUMNS)
      .where('c.id', callId)
      .first()) as Row | undefined;
    if (!row) return null;
    const [participants, recordings] = await Promise.all([
      this.knex('call_participants as p')
        .leftJoin('users as u', 'u.id', 'p.user_id')
        .select('p.*', 'u.display_name')
        .where('p.call_id', callId)
        .orderBy('p.role', 'desc') as Promise<Row[]>,
      this.knex('call_recordings')
        .where({ call_id: callId })
        .orderBy(['started_at', 'id']) as Promise<Row[]>,
    ]);
    const participantViews = participants.map(toParticipant);
    const present = participantViews.filter((participant) => participant.status !== 'LEFT');
    return {
      ...toSummary(row),
      participants: participantViews,
      recordings: recordings.map(toRecording),
      recordingConsentObtained: present.length > 0 && present.every((p) => p.consentedToRecording),
      quality: {
        samples: Number(row['quality_sample_count']),
        avgRttMs: round(num(row['avg_rtt_ms']), 1),
        avgJitterMs: round(num(row['avg_jitter_ms']), 1),
        avgPacketLossPct: round(num(row['avg_packet_loss_pct']), 2),
        avgMos: round(num(row['avg_mos']), 2),
        warnings: Number(row['quality_warning_count']),
        connectivity: (row['connectivity'] as 'p2p' | 'relay' | null) ?? null,
      },
    };
  }

  async recordings(
    callId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<RecordingView>> {
    const query = this.knex('call_recordings')
      .where({ call_id: callId })
      .orderBy(['started_at', 'id'])
      .limit(page.limit + 1);
    if (page.cursor) {
      query.whereRaw(
        '(started_at, id) > (?::timestamptz, ?::uuid)',
        decodeCursor(page.cursor, ['instant', 'uuid']),
      );
    }
    const rows = (await query) as Row[];
    const items = rows.slice(0, page.limit).map(toRecording);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > page.limit && last ? encodeCursor([last.startedAt, last.id]) : null,
    };
  }

  async findRecording(callId: string, recordingId: string): Promise<RecordingView | null> {
    const row = (await this.knex('call_recordings')
      .where({ call_id: callId, id: recordingId })
      .first()) as Row | undefined;
    return row ? toRecording(row) : null;
  }

  async statistics(range: {
    from: Date;
    to: Date;
    providerId: string | null;
  }): Promise<CallStatistics> {
    const scope = (alias: string): Knex.QueryBuilder => {
      const query = this.knex(`calls as ${alias}`)
        .where(`${alias}.initiated_at`, '>=', range.from)
        .where(`${alias}.initiated_at`, '<', range.to);
      if (range.providerId) query.where(`${alias}.provider_id`, range.providerId);
      return query;
    };
    const [byStatusRows, durations, recordingRows, qualityRows] = await Promise.all([
      scope('c').select('c.status').count<Row[]>('* as count').groupBy('c.status'),
      scope('c')
        .where('c.status', 'ENDED')
        .whereNotNull('c.duration_seconds')
        .first(
          this.knex.raw('avg(c.duration_seconds) AS average'),
          this.knex.raw(
            'percentile_cont(0.5) WITHIN GROUP (ORDER BY c.duration_seconds) AS median',
          ),
        ) as Promise<Row | undefined>,
      scope('c')
        .join('call_recordings as r', 'r.call_id', 'c.id')
        .first(
          this.knex.raw('count(*) AS started'),
          this.knex.raw("count(*) FILTER (WHERE r.status IN ('COMPLETED', 'PURGED')) AS completed"),
          this.knex.raw("count(*) FILTER (WHERE r.status = 'FAILED') AS failed"),
        ) as Promise<Row | undefined>,
      scope('c')
        .join('call_quality_samples as q', 'q.call_id', 'c.id')
        .first(
          this.knex.raw('avg(q.rtt_ms) AS rtt'),
          this.knex.raw('avg(q.jitter_ms) AS jitter'),
          this.knex.raw('avg(q.packet_loss_pct) AS loss'),
          this.knex.raw('avg(q.mos) AS mos'),
        ) as Promise<Row | undefined>,
    ]);
    const connectivity = (await scope('c').first(
      this.knex.raw("count(*) FILTER (WHERE c.connectivity = 'p2p') AS p2p"),
      this.knex.raw("count(*) FILTER (WHERE c.connectivity = 'relay') AS relay"),
    )) as Row | undefined;
    const byStatus = Object.fromEntries(CALL_STATUSES.map((status) => [status, 0])) as Record<
      CallStatus,
      number
    >;
    for (const row of byStatusRows) byStatus[row['status'] as CallStatus] = Number(row['count']);
    const calls = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
    // Success: answered and ended normally, out of the calls that reached a verdict. A call its
    // own initiator cancelled says nothing about the service, so it is left out of the base.
    const decided = byStatus.ENDED + byStatus.MISSED + byStatus.DECLINED + byStatus.FAILED;
    const started = Number(recordingRows?.['started'] ?? 0);
    const completed = Number(recordingRows?.['completed'] ?? 0);
    const failed = Number(recordingRows?.['failed'] ?? 0);
    const p2p = Number(connectivity?.['p2p'] ?? 0);
    const relay = Number(connectivity?.['relay'] ?? 0);
    const average = num(durations?.['average']);
    const median = num(durations?.['median']);
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      totals: { calls, byStatus },
      successRate: ratio(byStatus.ENDED, decided),
      averageDurationSeconds: average === null ? null : Math.round(average),
      medianDurationSeconds: median === null ? null : Math.round(median),
      recordings: { started, completed, failed, successRate: ratio(completed, completed + failed) },
      quality: {
        avgRttMs: round(num(qualityRows?.['rtt']), 1),
        avgJitterMs: round(num(qualityRows?.['jitter']), 1),
        avgPacketLossPct: round(num(qualityRows?.['loss']), 2),
        avgMos: round(num(qualityRows?.['mos']), 2),
      },
      connectivity: { p2p, relay, relayShare: ratio(relay, p2p + relay) },
    };
  }

  async auditLog(filter: AuditFilter): Promise<Page<AuditEntry>> {
    const query = this.knex('audit_log')
      .orderBy('position', 'asc')
      .limit(filter.limit + 1);
    if (filter.actorId) query.where('actor_id', filter.actorId);
    if (filter.callId) query.where('call_id', filter.callId);
    if (filter.action) query.where('action', filter.action);
    if (filter.from) query.where('occurred_at', '>=', filter.from);
    if (filter.to) query.where('occurred_at', '<', filter.to);
    if (filter.cursor) {
      const [after] = decodeCursor(filter.cursor, ['position']);
      query.where('position', '>', after as string);
    }
    const rows = (await query) as Row[];
    const items = rows.slice(0, filter.limit).map(toAuditEntry);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > filter.limit && last ? encodeCursor([last.position]) : null,
    };
  }
}
