import type { Knex } from 'knex';
import type {
  LedgerPosition,
  RecordedEvent,
} from '../../src/application/ports/event-store.port.js';
import {
  CALL_EVENT_TYPES,
  evolve,
  initialState,
  type CallEvent,
  type CallState,
} from '../../src/domain/call/index.js';
import { callReadModelsProjection } from '../../src/projections/call-read-models.projection.js';
import { auditLogProjection } from '../../src/projections/audit-log.projection.js';
import type { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { CallHistory, appendCommits } from '../../bench/projections-history.js';
import { createPostgresLedger, type PostgresLedger } from '../support/event-store-postgres.js';
import { acceptAnyOccurredAt } from '../support/occurred-at-window.js';
import { readWholeFeed } from '../support/read-whole-feed.js';
import {
  count,
  openKnex,
  readModelRunners,
  snapshotTables,
  waitForAll,
} from './projections-support.js';

const KNOWN: ReadonlySet<string> = new Set(CALL_EVENT_TYPES);

type Row = Record<string, unknown>;
const iso = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : ((value as string | null) ?? null);

describe('read-model projections on a real ledger', () => {
  let ledger: PostgresLedger;
  let knex: Knex;
  let runners: ProjectionRunner[];
  let events: RecordedEvent[];

  beforeAll(async () => {
    ledger = await createPostgresLedger({ idleReadMs: 50 });
    // The generated history is dated in the past.
    await acceptAnyOccurredAt(ledger.database.connectionString);
    knex = openKnex(ledger.database.connectionString);
    runners = readModelRunners({
      store: ledger.store,
      knex,
      lockPool: ledger.pool,
      batchSize: 97,
      retryDelayMs: 20,
    });
    const history = new CallHistory({ calls: 240, windowCalls: 60, seed: 7 });
    const windows = [...history.windows()];
    // Half before the runners start (catch-up), half while they follow (live).
    for (const commits of windows.slice(0, 2)) await appendCommits(ledger.store, commits);
    for (const runner of runners) runner.start();
    let last: LedgerPosition | null = null;
    for (const commits of windows.slice(2)) last = await appendCommits(ledger.store, commits);
    // Wait for our own last event, not the feed's head of the moment: another test's open
    // transaction on the same server can hold the head back for a while.
    if (last === null) throw new Error('nothing appended');
    await waitForAll(runners, last);
    events = await readWholeFeed(ledger.store, ledger.pool);
  }, 120_000);

  afterAll(async () => {
    for (const runner of runners ?? []) await runner.stop();
    await knex?.destroy();
    await ledger?.cleanup();
  });

  it('writes one audit row per event of every stream, with its actor, call and outcome', async () => {
    expect(await count(knex, 'SELECT count(*) AS n FROM audit_log')).toBe(events.length);
    const rows = (await knex('audit_log').orderBy('position')) as Row[];
    expect(rows.map((row) => String(row['position']))).toEqual(events.map((e) => e.position));
    const byType = new Map(rows.map((row) => [String(row['action']), row]));
    expect(byType.get('CallAnswered')).toMatchObject({
      outcome: 'IN_PROGRESS',
      actor_role: 'patient',
    });
    expect(byType.get('CallMissed')).toMatchObject({ outcome: 'MISSED', actor_id: 'system' });
    expect(byType.get('RecordingConsentGiven')).toMatchObject({ outcome: 'consented' });
    expect(byType.get('RecordingStarted')?.['recording_id']).toEqual(expect.any(String));
    expect(byType.get('CallDetailsRead')).toMatchObject({
      outcome: 'granted',
      actor_role: 'auditor',
    });
    const quality = byType.get('QualitySampleRecorded');
    expect(quality?.['call_id']).toEqual(expect.any(String));
    expect(byType.get('CallInitiated')?.['origin']).toEqual({
      ip: expect.any(String),
      userAgent: expect.any(String),
    });
  });

  it('projects every call as the decider sees it', async () => {
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (!event.streamId.startsWith('call-')) continue;
      const list = streams.get(event.streamId) ?? [];
      list.push(event);
      streams.set(event.streamId, list);
    }
    expect(await count(knex, 'SELECT count(*) AS n FROM calls')).toBe(streams.size);
    const calls = new Map(((await knex('calls')) as Row[]).map((row) => [String(row['id']), row]));
    const participants = (await knex('call_participants')) as Row[];
    const recordings = new Map(
      ((await knex('call_recordings')) as Row[]).map((row) => [String(row['id']), row]),
    );
    for (const [streamId, streamEvents] of streams) {
      const state = streamEvents
        .filter((event) => KNOWN.has(event.type))
        .reduce<CallState>(
          (s, event) => evolve(s, { type: event.type, data: event.data } as CallEvent),
          initialState(),
        );
      if (state.status === 'NONE') throw new Error('no call');
      const row = calls.get(streamId.slice('call-'.length));
      expect(row).toBeDefined();
      expect({
        status: row?.['status'],
        startedAt: iso(row?.['started_at']),
        endedAt: iso(row?.['ended_at']),
        endedBy: row?.['ended_by'],
        endReason: row?.['end_reason'],
        duration: row?.['duration_seconds'],
        revision: row?.['revision'],
        recordingCount: row?.['recording_count'],
      }).toEqual({
        status: state.status,
        startedAt: state.startedAt,
        endedAt: state.endedAt,
        endedBy: state.endedBy,
        endReason: state.endReason,
        duration: state.durationSeconds,
        revision: streamEvents.at(-1)?.revision,
        recordingCount: Object.keys(state.recordings).length,
      });
      for (const participant of Object.values(state.participants)) {
        const projected = participants.find(
          (p) => p['call_id'] === state.callId && p['user_id'] === participant.userId,
        );
        expect({
          status: projected?.['status'],
          joinedAt: iso(projected?.['joined_at']),
          leftAt: iso(projected?.['left_at']),
          video: projected?.['video_enabled'],
          audio: projected?.['audio_enabled'],
          screen: projected?.['screen_share_enabled'],
          consented: projected?.['consented_to_recording'],
        }).toEqual({
          status: participant.status,
          joinedAt: participant.joinedAt,
          leftAt: participant.leftAt,
          video: participant.media.video,
          audio: participant.media.audio,
          screen: participant.media.screenShare,
          consented: participant.consented,
        });
      }
      for (const recording of Object.values(state.recordings)) {
        const projected = recordings.get(recording.recordingId);
        const later = streamEvents.filter((e) => e.data['recordingId'] === recording.recordingId);
        const expected = later.some((e) => e.type === 'RecordingUploaded')
          ? 'COMPLETED'
          : later.some((e) => e.type === 'RecordingFailed')
            ? 'FAILED'
            : recording.status;
        expect(projected?.['status']).toBe(expected);
        expect(projected?.['duration_seconds'] ?? null).toBe(recording.durationSeconds);
        expect(projected?.['legal_hold']).toBe(
          later.some((e) => e.type === 'RecordingLegalHoldSet'),
        );
      }
    }
  });

  it('summarises quality samples per call and keeps every sample once', async () => {
    const samples = events.filter((e) => e.type === 'QualitySampleRecorded');
    expect(await count(knex, 'SELECT count(*) AS n FROM call_quality_samples')).toBe(
      samples.length,
    );
    const { rows } = await knex.raw<{ rows: Row[] }>(`
      SELECT c.id, c.quality_sample_count, c.avg_rtt_ms, c.avg_mos, c.connectivity,
             count(q.*) AS n, avg(q.rtt_ms) AS rtt, avg(q.mos) AS mos,
             bool_or(q.candidate_type = 'relay') AS relay, bool_or(q.candidate_type IS NOT NULL) AS typed
        FROM calls c LEFT JOIN call_quality_samples q ON q.call_id = c.id
       GROUP BY c.id`);
    let withSamples = 0;
    for (const row of rows) {
      expect(row['quality_sample_count']).toBe(Number(row['n']));
      if (Number(row['n']) === 0) {
        expect(row['avg_rtt_ms']).toBeNull();
        expect(row['connectivity']).toBeNull();
        continue;
      }
      withSamples += 1;
      expect(row['avg_rtt_ms']).toBeCloseTo(Number(row['rtt']), 9);
      expect(row['avg_mos']).toBeCloseTo(Number(row['mos']), 9);
      expect(row['connectivity']).toBe(row['relay'] ? 'relay' : row['typed'] ? 'p2p' : null);
    }
    expect(withSamples).toBeGreaterThan(100);
  });

  it('keeps daily statistics by UTC day of initiation and provider that add up to the calls', async () => {
    const { rows } = await knex.raw<{ rows: Row[] }>(`
      WITH expected AS (
        SELECT (c.initiated_at AT TIME ZONE 'UTC')::date AS day, c.provider_id,
               count(*) AS calls_initiated,
               count(*) FILTER (WHERE status = 'ENDED') AS calls_ended,
               count(*) FILTER (WHERE status = 'MISSED') AS calls_missed,
               count(*) FILTER (WHERE status = 'DECLINED') AS calls_declined,
               count(*) FILTER (WHERE status = 'CANCELLED') AS calls_cancelled,
               count(*) FILTER (WHERE status = 'FAILED') AS calls_failed,
               coalesce(sum(duration_seconds) FILTER (WHERE status = 'ENDED'), 0) AS duration_seconds_total,
               sum(recording_count) AS recordings_started,
               sum(quality_warning_count) AS quality_warnings,
               coalesce(sum((SELECT count(*) FROM call_recordings r WHERE r.call_id = c.id AND r.status = 'COMPLETED')), 0) AS recordings_completed,
               coalesce(sum((SELECT count(*) FROM call_recordings r WHERE r.call_id = c.id AND r.status = 'FAILED')), 0) AS recordings_failed
          FROM calls c GROUP BY 1, 2)
      SELECT count(*) AS mismatches FROM expected e FULL JOIN call_daily_stats d USING (day, provider_id)
       WHERE (e.calls_initiated, e.calls_ended, e.calls_missed, e.calls_declined, e.calls_cancelled,
              e.calls_failed, e.duration_seconds_total, e.recordings_started, e.recordings_completed,
              e.recordings_failed, e.quality_warnings)
             IS DISTINCT FROM
             (d.calls_initiated, d.calls_ended, d.calls_missed, d.calls_declined, d.calls_cancelled,
              d.calls_failed, d.duration_seconds_total, d.recordings_started, d.recordings_completed,
              d.recordings_failed, d.quality_warnings)`);
    expect(Number(rows[0]?.['mismatches'])).toBe(0);
    expect(await count(knex, 'SELECT sum(calls_initiated) AS n FROM call_daily_stats')).toBe(240);
  });

  it('changes nothing when events already applied are applied again', async () => {
    const before = await snapshotTables(knex);
    for (const projection of [callReadModelsProjection(), auditLogProjection()]) {
      await knex.transaction(async (trx) => {
        for (let i = 0; i < events.length; i += 500) {
          await projection.apply(trx, events.slice(i, i + 500));
        }
      });
    }
    expect(await snapshotTables(knex)).toEqual(before);
  });
});
