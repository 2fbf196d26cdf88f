import type pg from 'pg';
import type {
  EventMetadata,
  EventStore,
  EventToAppend,
  LedgerPosition,
} from '../src/application/ports/event-store.port.js';
import {
  chainHash,
  computeContentHash,
  metadataForHash,
} from '../src/application/ledger/event-integrity.js';
import type { Actor } from '../src/domain/shared/actor.js';
import type { JsonObject } from '../src/domain/shared/event.js';

/*
 * A realistic, deterministic call history for the projection benchmark and tests: calls that ring,
 * get answered, missed, declined, cancelled or fail; participants that join, drop and come back;
 * media changes, consent, recordings (started, stopped, uploaded or failed), quality samples in
 * `callquality-<id>` streams, quality warnings, and auditor reads in `access-<id>` streams. Event
 * shapes and orders follow the call decider (e.g. a call's end: running recording stopped, the
 * terminal event, then everyone still present leaves).
 *
 * Calls are generated in windows of overlapping calls whose events are interleaved by time, as
 * the feed of a busy service interleaves them; memory stays flat however many calls are made.
 */

export interface HistoryOptions {
  readonly calls: number;
  readonly seed?: number;
  /** Initiation time of the first call. */
  readonly start?: Date;
  /** Average seconds between two initiations. Default 20. */
  readonly spacingSeconds?: number;
  readonly providers?: number;
  readonly patients?: number;
  /** Calls whose events are interleaved with each other. Default 500. */
  readonly windowCalls?: number;
}

/** Events appended together (one command's effect): one append, one transaction. */
export interface Commit {
  readonly streamId: string;
  readonly at: number;
  readonly events: EventToAppend[];
}

export interface HistoryCounts {
  calls: number;
  events: number;
  qualitySamples: number;
}

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function uuidFrom(next: () => number): string {
  const b = new Array<number>(16);
  for (let i = 0; i < 16; i += 4) {
    const word = Math.floor(next() * 4294967296);
    b[i] = word & 0xff;
    b[i + 1] = (word >>> 8) & 0xff;
    b[i + 2] = (word >>> 16) & 0xff;
    b[i + 3] = (word >>> 24) & 0xff;
  }
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.map((byte) => HEX[byte] as string);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];

const SYSTEM: Actor = { userId: 'system', role: 'system' };

export class CallHistory {
  readonly counts: HistoryCounts = { calls: 0, events: 0, qualitySamples: 0 };
  private readonly next: () => number;
  private readonly providers: string[];
  private readonly patients: string[];
  private readonly auditor: string;
  private readonly spacingMs: number;
  private readonly windowCalls: number;
  private clock: number;

  constructor(private readonly options: HistoryOptions) {
    this.next = random(options.seed ?? 42);
    this.providers = Array.from({ length: options.providers ?? 200 }, () => uuidFrom(this.next));
    this.patients = Array.from({ length: options.patients ?? 20_000 }, () => uuidFrom(this.next));
    this.auditor = uuidFrom(this.next);
    this.spacingMs = (options.spacingSeconds ?? 20) * 1000;
    this.windowCalls = options.windowCalls ?? 500;
    this.clock = (options.start ?? new Date('2025-01-06T08:00:00.000Z')).getTime();
  }

  /** The providers the calls are spread over (the first is the busiest: a quarter of all calls). */
  get providerIds(): readonly string[] {
    return this.providers;
  }

  /** Windows of interleaved commits, oldest first. */
  *windows(): Generator<Commit[]> {
    let remaining = this.options.calls;
    while (remaining > 0) {
      const size = Math.min(this.windowCalls, remaining);
      remaining -= size;
      const commits: Commit[] = [];
      for (let i = 0; i < size; i += 1) {
        this.clock += Math.floor(this.spacingMs * (0.5 + this.next()));
        this.call(this.clock, commits);
      }
      commits.sort((a, b) => a.at - b.at);
      for (const commit of commits) this.counts.events += commit.events.length;
      yield commits;
    }
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  private chance(probability: number): boolean {
    return this.next() < probability;
  }

  private between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  private call(t0: number, out: Commit[]): void {
    this.counts.calls += 1;
    const callId = uuidFrom(this.next);
    const stream = `call-${callId}`;
    // A skewed spread: the first provider takes about a quarter of the calls.
    const providerId = this.chance(0.25)
      ? (this.providers[0] as string)
      : this.pick(this.providers);
    const patientId = this.pick(this.patients);
    const provider: Actor = { userId: providerId, role: 'provider' };
    const patient: Actor = { userId: patientId, role: 'patient' };
    const origin = {
      ip: `10.${this.between(0, 255)}.${this.between(0, 255)}.${this.between(1, 254)}`,
      userAgent: this.pick(USER_AGENTS),
    };
    const correlationId = uuidFrom(this.next);
    const event = (type: string, data: JsonObject, actor: Actor, at: number): EventToAppend => {
      const metadata: EventMetadata = {
        actor,
        occurredAt: new Date(at).toISOString(),
        correlationId,
        causationId: null,
        ...(actor.role === 'system' ? {} : { origin }),
      };
      return { eventId: uuidFrom(this.next), type, version: 1, data, metadata };
    };
    const commit = (at: number, ...events: EventToAppend[]): void => {
      out.push({ streamId: stream, at, events });
    };
    const iso = (t: number): string => new Date(t).toISOString();

    const scheduled = this.chance(0.05);
    let t = t0;
    const scheduledAt = scheduled ? t0 + 3_600_000 : null;
    commit(
      t,
      event(
        'CallInitiated',
        {
          callId,
          type: this.chance(0.8) ? 'VIDEO' : this.chance(0.5) ? 'AUDIO' : 'SCREEN_SHARE',
          providerId,
          patientId,
          initiatorId: providerId,
          calleeId: patientId,
          status: scheduled ? 'SCHEDULED' : 'RINGING',
          scheduledAt: scheduledAt === null ? null : iso(scheduledAt),
          recordingEnabled: this.chance(0.4),
          reason: this.chance(0.5) ? 'Follow-up consultation' : null,
          initiatedAt: iso(t),
        },
        provider,
        t,
      ),
    );
    if (scheduledAt !== null) {
      if (this.chance(0.3)) {
        t += this.between(60, 3000) * 1000;
        commit(
          t,
          event(
            'CallCancelled',
            { cancelledBy: providerId, reason: null, at: iso(t) },
            provider,
            t,
          ),
        );
        return;
      }
      t = scheduledAt;
      commit(t, event('CallRingingStarted', { at: iso(t) }, SYSTEM, t));
    }

    // The provider waits in the room while it rings.
    t += this.between(1, 3) * 1000;
    commit(t, event('ParticipantJoined', { userId: providerId, at: iso(t) }, provider, t));
    t += 700;
    commit(t, event('ParticipantConnected', { userId: providerId, at: iso(t) }, provider, t));
    const leaveProvider = (at: number): EventToAppend =>
      event(
        'ParticipantLeft',
        { userId: providerId, at: iso(at), reason: 'call_ended' },
        SYSTEM,
        at,
      );

    const outcome = this.next();
    if (outcome < 0.18) {
      if (outcome < 0.08) {
        t = t0 + 60_000 + (scheduledAt === null ? 0 : scheduledAt - t0);
        commit(
          t,
          event('CallMissed', { at: iso(t), ringTimeoutSeconds: 60 }, SYSTEM, t),
          leaveProvider(t),
        );
      } else if (outcome < 0.13) {
        t += this.between(3, 20) * 1000;
        commit(
          t,
          event('CallDeclined', { declinedBy: patientId, reason: 'busy', at: iso(t) }, patient, t),
          leaveProvider(t),
        );
      } else if (outcome < 0.17) {
        t += this.between(3, 40) * 1000;
        commit(
          t,
          event(
            'CallCancelled',
            { cancelledBy: providerId, reason: null, at: iso(t) },
            provider,
            t,
          ),
          leaveProvider(t),
        );
      } else {
        t += this.between(3, 20) * 1000;
        commit(
          t,
          event(
            'CallFailed',
            { reason: 'ice_failed', details: { stage: 'ringing' }, at: iso(t) },
            SYSTEM,
            t,
          ),
          leaveProvider(t),
        );
      }
      this.maybeAccess(callId, t, out);
      return;
    }

    t += this.between(3, 15) * 1000;
    commit(t, event('CallAnswered', { answeredBy: patientId, startedAt: iso(t) }, patient, t));
    const startedAt = t;
    t += 400;
    commit(t, event('ParticipantJoined', { userId: patientId, at: iso(t) }, patient, t));
    t += 900;
    commit(t, event('ParticipantConnected', { userId: patientId, at: iso(t) }, patient, t));

    const end = startedAt + this.between(120, 2400) * 1000;
    const span = end - t;
    const quality = `callquality-${callId}`;
    const relay = this.chance(0.2);
    const samples = this.between(2, 6);
    for (let i = 0; i < samples; i += 1) {
      const at = t + Math.floor(((i + 1) * span) / (samples + 1));
      const user = i % 2 === 0 ? patient : provider;
      const loss = Math.round(this.next() * 800) / 100;
      const rtt = 20 + Math.floor(this.next() * 300);
      out.push({
        streamId: quality,
        at,
        events: [
          event(
            'QualitySampleRecorded',
            {
              callId,
              userId: user.userId,
              sampledAt: iso(at),
              rttMs: rtt,
              jitterMs: Math.round(this.next() * 4000) / 100,
              packetLossPct: loss,
              bitrateKbps: this.chance(0.9) ? 300 + Math.floor(this.next() * 2200) : null,
              mos: Math.round((4.5 - loss / 4 - rtt / 400) * 100) / 100,
              candidateType: relay ? 'relay' : this.chance(0.7) ? 'host' : 'srflx',
              connectionState: 'connected',
              poor: loss > 5,
            },
            user,
            at,
          ),
        ],
      });
      this.counts.qualitySamples += 1;
    }

    // Things that happen during the call, in time order.
    let cursor = t;
    const step = (): number => {
      cursor += Math.max(1000, Math.floor((end - cursor) * 0.2 * this.next()));
      return Math.min(cursor, end - 1000);
    };
    const mediaChanges = this.between(0, 2);
    for (let i = 0; i < mediaChanges; i += 1) {
      const at = step();
      const user = this.chance(0.5) ? provider : patient;
      commit(
        at,
        event(
          'ParticipantMediaUpdated',
          {
            userId: user.userId,
            video: this.chance(0.6),
            audio: this.chance(0.9),
            screenShare: this.chance(0.15),
            at: iso(at),
          },
          user,
          at,
        ),
      );
    }
    if (this.chance(0.3)) {
      let at = step();
      commit(at, event('RecordingConsentGiven', { userId: providerId, at: iso(at) }, provider, at));
      at = step();
      commit(at, event('RecordingConsentGiven', { userId: patientId, at: iso(at) }, patient, at));
      if (this.chance(0.8)) {
        at = step();
        const recordingId = uuidFrom(this.next);
        let running = true;
        commit(
          at,
          event(
            'RecordingStarted',
            {
              recordingId,
              startedBy: providerId,
              at: iso(at),
              consentedParticipants: [providerId, patientId],
            },
            provider,
            at,
          ),
        );
        const recordingStart = at;
        if (this.chance(0.1)) {
          at = step();
          commit(
            at,
            event('RecordingConsentWithdrawn', { userId: patientId, at: iso(at) }, patient, at),
            event(
              'RecordingStopped',
              {
                recordingId,
                stoppedBy: 'system',
                reason: 'consent_withdrawn',
                at: iso(at),
                durationSeconds: Math.round((at - recordingStart) / 1000),
              },
              patient,
              at,
            ),
          );
          this.afterRecording(stream, recordingId, at, out, event);
          running = false;
        } else if (this.chance(0.5)) {
          at = step();
          commit(
            at,
            event(
              'RecordingStopped',
              {
                recordingId,
                stoppedBy: providerId,
                reason: 'stopped_by_user',
                at: iso(at),
                durationSeconds: Math.round((at - recordingStart) / 1000),
              },
              provider,
              at,
            ),
          );
          this.afterRecording(stream, recordingId, at, out, event);
          running = false;
        }
        if (running) {
          // Still running at the end: the call's end stops it.
          this.endCall(stream, callId, providerId, patientId, startedAt, end, out, event, {
            id: recordingId,
            started: recordingStart,
          });
          this.maybeAccess(callId, end, out);
          return;
        }
      }
    }
    if (this.chance(0.1)) {
      let at = step();
      commit(at, event('ParticipantDisconnected', { userId: patientId, at: iso(at) }, SYSTEM, at));
      at += this.between(2, 20) * 1000;
      commit(at, event('ParticipantReconnected', { userId: patientId, at: iso(at) }, patient, at));
      cursor = Math.max(cursor, at);
    }
    if (this.chance(0.05)) {
      const at = step();
      commit(
        at,
        event(
          'CallQualityDegraded',
          {
            userId: patientId,
            at: iso(at),
            samples: [{ rttMs: 450, jitterMs: 60, packetLossPct: 9 }],
            suggestion: 'audio-only',
          },
          SYSTEM,
          at,
        ),
      );
    }
    if (this.chance(0.02)) {
      commit(
        end,
        event('CallFailed', { reason: 'all_peers_lost', details: null, at: iso(end) }, SYSTEM, end),
        event(
          'ParticipantLeft',
          { userId: providerId, at: iso(end), reason: 'call_ended' },
          SYSTEM,
          end,
        ),
        event(
          'ParticipantLeft',
          { userId: patientId, at: iso(end), reason: 'call_ended' },
          SYSTEM,
          end,
        ),
      );
    } else {
      this.endCall(stream, callId, providerId, patientId, startedAt, end, out, event, null);
    }
    this.maybeAccess(callId, end, out);
  }

  private endCall(
    stream: string,
    callId: string,
    providerId: string,
    patientId: string,
    startedAt: number,
    end: number,
    out: Commit[],
    event: (type: string, data: JsonObject, actor: Actor, at: number) => EventToAppend,
    recording: { id: string; started: number } | null,
  ): void {
    const iso = new Date(end).toISOString();
    const provider: Actor = { userId: providerId, role: 'provider' };
    const events: EventToAppend[] = [];
    if (recording) {
      events.push(
        event(
          'RecordingStopped',
          {
            recordingId: recording.id,
            stoppedBy: 'system',
            reason: 'call_ended',
            at: iso,
            durationSeconds: Math.round((end - recording.started) / 1000),
          },
          provider,
          end,
        ),
      );
    }
    events.push(
      event(
        'CallEnded',
        {
          endedBy: providerId,
          reason: null,
          endedAt: iso,
          durationSeconds: Math.round((end - startedAt) / 1000),
        },
        provider,
        end,
      ),
      event('ParticipantLeft', { userId: providerId, at: iso, reason: 'call_ended' }, SYSTEM, end),
      event('ParticipantLeft', { userId: patientId, at: iso, reason: 'call_ended' }, SYSTEM, end),
    );
    out.push({ streamId: stream, at: end, events });
    if (recording) this.afterRecording(stream, recording.id, end, out, event);
    void callId;
  }

  /** The upload that completes a stopped recording, or its failure; sometimes a legal hold. */
  private afterRecording(
    stream: string,
    recordingId: string,
    stoppedAt: number,
    out: Commit[],
    event: (type: string, data: JsonObject, actor: Actor, at: number) => EventToAppend,
  ): void {
    const at = stoppedAt + this.between(5, 60) * 1000;
    if (this.chance(0.9)) {
      out.push({
        streamId: stream,
        at,
        events: [
          event(
            'RecordingUploaded',
            {
              recordingId,
              sizeBytes: this.between(5_000_000, 900_000_000),
              sha256: uuidFrom(this.next).replace(/-/g, '').repeat(2),
              storageKey: `recordings/${recordingId}.webm.enc`,
              keyId: 'kek-2025-01',
              contentType: 'video/webm',
              expiresAt: new Date(at + 2_592_000_000).toISOString(),
              at: new Date(at).toISOString(),
            },
            SYSTEM,
            at,
          ),
        ],
      });
      if (this.chance(0.05)) {
        const later = at + 86_400_000;
        out.push({
          streamId: stream,
          at: later,
          events: [
            event(
              'RecordingLegalHoldSet',
              { recordingId, at: new Date(later).toISOString() },
              SYSTEM,
              later,
            ),
          ],
        });
      }
    } else {
      out.push({
        streamId: stream,
        at,
        events: [
          event(
            'RecordingFailed',
            { recordingId, reason: 'upload_timeout', at: new Date(at).toISOString() },
            SYSTEM,
            at,
          ),
        ],
      });
    }
  }

  private maybeAccess(callId: string, after: number, out: Commit[]): void {
    if (!this.chance(0.03)) return;
    const at = after + this.between(60, 7200) * 1000;
    const actor: Actor = { userId: this.auditor, role: 'auditor' };
    out.push({
      streamId: `access-${callId}`,
      at,
      events: [
        {
          eventId: uuidFrom(this.next),
          type: 'CallDetailsRead',
          version: 1,
          data: { callId },
          metadata: {
            actor,
            occurredAt: new Date(at).toISOString(),
            correlationId: uuidFrom(this.next),
            causationId: null,
            origin: { ip: '10.9.9.9', userAgent: USER_AGENTS[0] as string },
          },
        },
      ],
    });
  }
}

/**
 * Appends every commit through the event store, as the service would; resolves with the position
 * of the last event appended (null for no commits).
 */
export async function appendCommits(
  store: EventStore,
  commits: readonly Commit[],
): Promise<LedgerPosition | null> {
  let last: LedgerPosition | null = null;
  for (const commit of commits) {
    const appended = await store.appendToStream(commit.streamId, commit.events, {
      expectedRevision: 'any',
    });
    last = appended.position;
  }
  return last;
}

/**
 * Writes commits straight into the ledger tables, hash chain included, `eventsPerTransaction`
 * events per INSERT (each its own transaction): a fast path for seeding large ledgers.
 * Streams must not continue across calls (they do not: a window holds whole calls).
 */
export async function insertCommits(
  pool: pg.Pool,
  commits: readonly Commit[],
  eventsPerTransaction = 2000,
): Promise<number> {
  const streams = new Map<string, { revision: number; hash: string | null }>();
  let rows: Record<string, unknown>[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const payload = JSON.stringify(rows);
    rows = [];
    await pool.query(
      `INSERT INTO ledger_events
         (event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at)
       SELECT event_id, stream_id, stream_revision, type, version, data, metadata, occurred_at
         FROM json_populate_recordset(NULL::ledger_events, $1::json)`,
      [payload],
    );
  };
  for (const commit of commits) {
    const stream = streams.get(commit.streamId) ?? { revision: -1, hash: null };
    for (const event of commit.events) {
      const metadata = metadataForHash(event.metadata);
      const contentHash = computeContentHash({ ...event, streamId: commit.streamId, metadata });
      const hash = chainHash(stream.hash, contentHash);
      stream.revision += 1;
      rows.push({
        event_id: event.eventId,
        stream_id: commit.streamId,
        stream_revision: stream.revision,
        type: event.type,
        version: event.version,
        data: event.data,
        metadata: { ...metadata, hash, previousHash: stream.hash },
        occurred_at: event.metadata.occurredAt,
      });
      stream.hash = hash;
      written += 1;
    }
    streams.set(commit.streamId, stream);
    if (rows.length >= eventsPerTransaction) await flush();
  }
  await flush();
  const list = [...streams].map(([stream_id, s]) => ({
    stream_id,
    revision: s.revision,
    last_hash: s.hash,
  }));
  await pool.query(
    `INSERT INTO ledger_streams (stream_id, revision, last_hash)
     SELECT stream_id, revision, last_hash FROM json_populate_recordset(NULL::ledger_streams, $1::json)
     ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
    [JSON.stringify(list)],
  );
  return written;
}
