import type pg from 'pg';
import {
  chainHash,
  computeContentHash,
  metadataForHash,
} from '../src/application/ledger/event-integrity.js';
import type {
  EventStore,
  EventToAppend,
  LedgerPosition,
} from '../src/application/ports/event-store.port.js';

/** Events appended together (one command's effect): one append, one transaction. */
export interface Commit {
  readonly streamId: string;
  readonly at: number;
  readonly events: EventToAppend[];
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
