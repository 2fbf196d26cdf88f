import {
  BACKWARDS,
  END,
  FORWARDS,
  InvalidArgumentError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnknownError,
  type EventStoreDBClient,
  type Position,
} from '@eventstore/db-client';
import type { LedgerPosition, RecordedEvent } from '../../../application/ports/event-store.port.js';
import type {
  LedgerLookup,
  RecordedStreamHead,
} from '../../../application/ports/ledger-lookup.port.js';
import { comparePositionPairs, decodePositionPair, encodePositionPair } from '../pair-position.js';
import { toRecordedEvent } from './eventstoredb-recorded-event.js';
import { StreamNameIndex } from './stream-name-index.js';

/** EventStoreDB's log positions are signed 64-bit numbers. */
const MAX_LOG_POSITION = (1n << 63n) - 1n;

/** How many streams' heads are read at once while listing them. */
const HEAD_READS_AT_ONCE = 16;

/**
 * The lookup of the ledger on EventStoreDB / KurrentDB: an event by its `$all` position, and a
 * stream's head as the server's stream index has it (its last event, read backwards).
 *
 * Listing the heads in stream id order: the server keeps no ordered index of stream names, and
 * the `$streams` system stream needs the system projections running and lags behind the log (a
 * verifier would miss the newest streams). So the lookup scans `$all` itself, once, then from
 * where it stopped on every later call, collecting the names of the streams that hold ledger
 * events; each listed head is then one backwards read of its stream. What it needs from the
 * server: read access to `$all` and to the ledger's streams, as the event store adapter does,
 * and nothing else. Its cost: the first listing reads the whole log (as a whole-ledger
 * verification does anyway), later ones only what was appended since; memory is one name per
 * stream; a page of heads is one read per stream in it, 16 at a time.
 *
 * It borrows the client: whoever created it disposes of it.
 */
export class EventStoreDbLedgerLookup implements LedgerLookup {
  private readonly streams = new StreamNameIndex();
  /** The position of the last event the scan of `$all` read; null before the first scan. */
  private scannedTo: Position | null = null;
  /** Scans run one after another, each to the end of the log as it is when it starts. */
  private scans: Promise<void> = Promise.resolve();

  constructor(private readonly client: EventStoreDBClient) {}

  async eventAt(position: LedgerPosition): Promise<RecordedEvent | null> {
    const { high: commit, low: prepare } = decodePositionPair(position);
    // A prepare is always written before (or with) its commit.
    if (commit > MAX_LOG_POSITION || prepare > commit) return null;
    const reader = this.client.readAll({
      direction: FORWARDS,
      fromPosition: { commit, prepare },
      maxCount: 1,
    });
    try {
      for await (const resolved of reader) {
        const event = toRecordedEvent(resolved);
        // A read starts at the first record at or after the position: it must be this one.
        return event !== null && comparePositionPairs(event.position, position) === 0
          ? event
          : null;
      }
      return null;
    } catch (error) {
      // A position inside a record, not at its start, is refused by the server.
      if (error instanceof UnknownError || error instanceof InvalidArgumentError) return null;
      throw error;
    } finally {
      await reader.cancel();
    }
  }

  async streamHead(streamId: string): Promise<RecordedStreamHead | null> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        if (!resolved.event) continue;
        // A last event the ledger did not write has no chain hash: the head then differs.
        const hash = toRecordedEvent(resolved)?.metadata.hash ?? null;
        return { streamId, revision: Number(resolved.event.revision), hash };
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return null;
      throw error;
    }
  }

  async streamHeads(after: string | null, limit: number): Promise<readonly RecordedStreamHead[]> {
    await this.scanToEnd();
    const heads: RecordedStreamHead[] = [];
    const names = this.streams.namesAfter(after);
    while (heads.length < limit) {
      const batch: string[] = [];
      while (batch.length < Math.min(HEAD_READS_AT_ONCE, limit - heads.length)) {
        const next = names.next();
        if (next.done) break;
        batch.push(next.value);
      }
      if (batch.length === 0) break;
      // A deleted stream has no head: it is left out, and the next names fill the page.
      const read = await Promise.all(batch.map((name) => this.streamHead(name)));
      for (const head of read) if (head !== null) heads.push(head);
    }
    return heads;
  }

  private scanToEnd(): Promise<void> {
    const scan = this.scans.then(() => this.scan());
    this.scans = scan.catch(() => undefined);
    return scan;
  }

  /** Reads `$all` from where the last scan stopped to its end, noting the ledger's streams. */
  private async scan(): Promise<void> {
    const from = this.scannedTo;
    const reader = this.client.readAll({
      direction: FORWARDS,
      fromPosition: from ?? START,
    });
    const last = from === null ? null : encodePositionPair(from.commit, from.prepare);
    try {
      for await (const resolved of reader) {
        const position = resolved.event?.position;
        if (!position) continue;
        // The read starts at the last event scanned, inclusively.
        const at = encodePositionPair(position.commit, position.prepare);
        if (last !== null && comparePositionPairs(at, last) <= 0) continue;
        const event = toRecordedEvent(resolved);
        if (event !== null) this.streams.add(event.streamId);
        this.scannedTo = position;
      }
    } finally {
      await reader.cancel();
    }
  }
}
