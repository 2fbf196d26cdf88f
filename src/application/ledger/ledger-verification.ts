import type { EventStore, LedgerPosition, RecordedEvent } from '../ports/event-store.port.js';
import type { LedgerLookup } from '../ports/ledger-lookup.port.js';
import type {
  CheckpointArchive,
  LedgerTreeReader,
  StoredCheckpoint,
  TreeLeaf,
} from '../ports/ledger-tree.port.js';
import { chainLinkHolds, verifyStreamIntegrity } from './event-integrity.js';
import { eventLeafHash, streamHeadLeafHash } from './ledger-leaf.js';
import type { LedgerProofs } from './ledger-proofs.js';
import { MerkleFrontier } from './merkle/merkle-frontier.js';
import { allArchivedSizes, CheckpointPages } from './checkpoint-pages.js';
import { verifyConsistency } from './merkle/merkle-proofs.js';
import { UpdatableMerkleTree } from './merkle/updatable-merkle-tree.js';
import {
  distrustReason,
  trustStored,
  type OpenCheckpoint,
  type TrustedCheckpoint,
} from './trusted-checkpoint.js';

/*
 * The whole ledger checked in one pass over the feed, trusting nothing the database says about
 * itself: every stream's chain, the Merkle tree rebuilt from the events (leaf = the event's chain
 * hash) and the stream heads tree beside it, compared at each checkpoint's size with the root and
 * heads root its signed note carries; every checkpoint in the archive as well as the database, so
 * deleting, replacing or re-signing any of them shows; each consistency proof the
 * service serves between consecutive checkpoints; and the head the store keeps for every stream.
 * Memory grows with the number of streams (one entry each), not with the number of events.
 */

export type LedgerProblemKind =
  | 'chain'
  | 'stream_head'
  | 'tree_leaf'
  | 'checkpoint_signature'
  | 'checkpoint_root'
  | 'checkpoint_heads'
  | 'checkpoint_missing'
  | 'consistency_proof';

export interface LedgerProblem {
  readonly kind: LedgerProblemKind;
  readonly message: string;
  readonly streamId?: string;
  readonly position?: LedgerPosition;
  readonly checkpoint?: number;
}

export interface LedgerVerificationReport {
  /** True only when no problem was found. */
  readonly verified: boolean;
  readonly events: number;
  readonly streams: number;
  /** The newest checkpoint trusted (its signature holds), from the database or the archive. */
  readonly newestCheckpoint: number | null;
  readonly checkpointsChecked: number;
  /** Events after the newest checkpoint: their chains were checked, nothing signed covers them yet. */
  readonly notYetCheckpointed: number;
  readonly archive: { readonly location: string; readonly newest: number | null } | null;
  /** In the order found; the first names the first stream, position or checkpoint that fails. */
  readonly problems: readonly LedgerProblem[];
}

export interface LedgerVerifierDeps {
  readonly store: EventStore;
  readonly tree: LedgerTreeReader;
  readonly lookup: LedgerLookup;
  readonly proofs: LedgerProofs;
  readonly openCheckpoint: OpenCheckpoint;
  /** Null when no second place is configured (the report then says so). */
  readonly archive: CheckpointArchive | null;
  readonly batchSize?: number;
  readonly onProgress?: (events: number) => void;
}

/** Problems beyond this many are counted, not kept: the first ones say where to look. */
const PROBLEMS_KEPT = 100;

interface StreamState {
  readonly slot: number;
  revision: number;
  hash: string | null;
  broken: boolean;
}

interface Target {
  readonly checkpoint: TrustedCheckpoint;
  readonly source: 'database' | 'archive';
}

class Problems {
  readonly list: LedgerProblem[] = [];
  add(problem: LedgerProblem): void {
    if (this.list.length < PROBLEMS_KEPT) this.list.push(problem);
  }
}

export class LedgerVerifier {
  constructor(private readonly deps: LedgerVerifierDeps) {}

  async verify(): Promise<LedgerVerificationReport> {
    const { store, tree, archive } = this.deps;
    const problems = new Problems();
    const batchSize = this.deps.batchSize ?? 2000;

    // The archive is listed first: every checkpoint in it was committed to the database before it
    // was archived, so the database and the feed, read after, hold whatever the list names.
    const archivedSizes = archive === null ? null : await allArchivedSizes(archive);
    const pages = new CheckpointPages(tree);

    const streams = new Map<string, StreamState>();
    const frontier = MerkleFrontier.empty();
    const heads = UpdatableMerkleTree.fromLeaves([]);
    const dirty = new Map<number, Buffer>();
    let previous: Target | null = null;
    let newest: number | null = null;
    let checkpointsChecked = 0;
    let nextArchived = 0;

    const checkAt = async (target: Target): Promise<void> => {
      checkpointsChecked += 1;
      const { checkpoint, source } = target;
      const where = source === 'archive' ? 'the archived checkpoint' : 'checkpoint';
      for (const [slot, leaf] of dirty) heads.set(slot, leaf);
      dirty.clear();
      if (!frontier.root().equals(checkpoint.rootHash)) {
        problems.add({
          kind: 'checkpoint_root',
          checkpoint: checkpoint.treeSize,
          message: `${where} ${checkpoint.treeSize} has a root the first ${checkpoint.treeSize} events do not hash to: an event among them was changed, removed, added or moved`,
        });
      }
      if (heads.size !== checkpoint.headsCount || !heads.root().equals(checkpoint.headsRoot)) {
        problems.add({
          kind: 'checkpoint_heads',
          checkpoint: checkpoint.treeSize,
          message: `${where} ${checkpoint.treeSize} commits ${checkpoint.headsCount} stream heads the events do not give (${heads.size} streams)`,
        });
      }
      newest = Math.max(newest ?? 0, checkpoint.treeSize);
      if (source === 'database' && previous !== null) {
        await this.checkConsistency(previous.checkpoint, checkpoint, problems);
      }
      if (source === 'database') previous = target;
    };

    /** Every checkpoint target at the current size, database first, then the archive's. */
    const reachSize = async (size: number): Promise<void> => {
      let databaseNote: string | null = null;
      for (
        let stored = await pages.peek();
        stored !== null && stored.treeSize <= size;
        stored = await pages.peek()
      ) {
        pages.take();
        const trusted = this.trust(stored, problems);
        if (stored.treeSize < size) continue; // below the size reached: it had no events to meet.
        databaseNote = stored.note;
        if (trusted !== null) await checkAt({ checkpoint: trusted, source: 'database' });
      }
      if (archivedSizes?.[nextArchived] !== size || archive === null) return;
      nextArchived += 1;
      const archivedNote = await archive.at(size);
      if (archivedNote === null || archivedNote === databaseNote) return;
      problems.add({
        kind: 'checkpoint_missing',
        checkpoint: size,
        message:
          databaseNote === null
            ? `the archive holds checkpoint ${size}, the database does not: the database lost it`
            : `the database's checkpoint ${size} is not the note the archive holds for that size: it was replaced`,
      });
      const trusted = this.trustArchived(size, archivedNote, problems);
      if (trusted !== null) await checkAt({ checkpoint: trusted, source: 'archive' });
    };

    let events = 0;
    let after: LedgerPosition | null = null;
    await reachSize(0);
    for (;;) {
      const batch: RecordedEvent[] = await store.readAll({ after, limit: batchSize });
      if (batch.length === 0) break;
      const storedLeaves = await tree.leaves(events, events + batch.length);
      for (const event of batch) {
        this.followChain(event, streams, problems);
        const state = streams.get(event.streamId) as StreamState;
        const leaf = leafOf(event);
        this.compareLeaf(frontier.size, event, leaf, storedLeaves, events, problems);
        frontier.append(leaf);
        dirty.set(state.slot, headLeafOf(event));
        await reachSize(frontier.size);
      }
      events += batch.length;
      after = (batch.at(-1) as RecordedEvent).position;
      this.deps.onProgress?.(events);
    }

    // Checkpoints larger than the ledger: their events are gone.
    for (let stored = await pages.peek(); stored !== null; stored = await pages.peek()) {
      pages.take();
      if (this.trust(stored, problems) !== null) {
        problems.add({
          kind: 'checkpoint_root',
          checkpoint: stored.treeSize,
          message: `checkpoint ${stored.treeSize} commits ${stored.treeSize} events, the ledger holds ${events}: events were removed`,
        });
      }
    }
    for (const size of archivedSizes?.slice(nextArchived) ?? []) {
      problems.add({
        kind: 'checkpoint_root',
        checkpoint: size,
        message: `the archived checkpoint ${size} commits ${size} events, the ledger holds ${events}: events were removed`,
      });
    }
    const databaseNewest = await tree.latestCheckpoint();
    try {
      await this.deps.proofs.checkStoredHeads();
    } catch (error) {
      problems.add({
        kind: 'checkpoint_heads',
        checkpoint: databaseNewest?.treeSize,
        message: `the stream heads stored to serve heads proofs are not the newest checkpoint's: ${distrustReason(error)}`,
      });
    }
    await this.checkStoreHeads(streams, after, problems);

    return {
      verified: problems.list.length === 0,
      events,
      streams: streams.size,
      newestCheckpoint: newest,
      checkpointsChecked,
      notYetCheckpointed: Math.max(0, events - (newest ?? 0)),
      archive:
        archive === null
          ? null
          : { location: archive.location, newest: archivedSizes?.at(-1) ?? null },
      problems: problems.list,
    };
  }

  private followChain(
    event: RecordedEvent,
    streams: Map<string, StreamState>,
    problems: Problems,
  ): void {
    let state = streams.get(event.streamId);
    if (state === undefined) {
      state = { slot: streams.size, revision: -1, hash: null, broken: false };
      streams.set(event.streamId, state);
    }
    if (!state.broken && !chainLinkHolds(event, state.revision + 1, state.hash)) {
      state.broken = true;
      problems.add({
        kind: 'chain',
        streamId: event.streamId,
        position: event.position,
        message: `stream ${event.streamId}: the hash chain breaks at revision ${Math.min(event.revision, state.revision + 1)} (position ${event.position})`,
      });
    }
    state.revision = event.revision;
    state.hash = event.metadata.hash;
  }

  /** The stored leaf a proof would be served from must be the event's. */
  private compareLeaf(
    index: number,
    event: RecordedEvent,
    leaf: Buffer,
    storedLeaves: readonly TreeLeaf[],
    batchStart: number,
    problems: Problems,
  ): void {
    const stored = storedLeaves[index - batchStart];
    if (stored === undefined) return; // not built yet: the builder lags behind the feed.
    if (stored.index !== index || stored.position !== event.position || !stored.hash.equals(leaf)) {
      // Once the feed and the stored leaves part, every later leaf differs too: the first tells.
      if (problems.list.some((problem) => problem.kind === 'tree_leaf')) return;
      problems.add({
        kind: 'tree_leaf',
        streamId: event.streamId,
        position: event.position,
        message: `the tree's stored leaf ${index} is not the event at position ${event.position} (stream ${event.streamId}, revision ${event.revision})`,
      });
    }
  }

  private trust(stored: StoredCheckpoint, problems: Problems): TrustedCheckpoint | null {
    const { checkpoint, problem } = trustStored(stored, this.deps.openCheckpoint);
    if (problem === null) return checkpoint;
    problems.add({ kind: 'checkpoint_signature', checkpoint: stored.treeSize, message: problem });
    return null;
  }

  /** An archived note, trusted when its signature holds and it is filed under its own size. */
  private trustArchived(
    treeSize: number,
    note: string,
    problems: Problems,
  ): TrustedCheckpoint | null {
    try {
      const opened = this.deps.openCheckpoint(note);
      if (opened.treeSize !== treeSize) throw new Error(`it is filed under size ${treeSize}`);
      return opened;
    } catch (error) {
      problems.add({
        kind: 'checkpoint_signature',
        checkpoint: treeSize,
        message: `the archived checkpoint ${treeSize} is not trusted: ${distrustReason(error)}`,
      });
      return null;
    }
  }

  private async checkConsistency(
    older: TrustedCheckpoint,
    newer: TrustedCheckpoint,
    problems: Problems,
  ): Promise<void> {
    try {
      const proof = await this.deps.proofs.consistencyProof(older.treeSize, newer.treeSize);
      if (verifyConsistency(older.treeSize, newer.treeSize, proof, older.rootHash, newer.rootHash))
        return;
    } catch {
      // Reported below: the stored tree cannot even serve the proof.
    }
    problems.add({
      kind: 'consistency_proof',
      checkpoint: newer.treeSize,
      message: `the consistency proof served from the stored tree between checkpoints ${older.treeSize} and ${newer.treeSize} does not verify`,
    });
  }

  /** The store's head of every stream must be the last event the feed gave of it. */
  private async checkStoreHeads(
    streams: Map<string, StreamState>,
    lastRead: LedgerPosition | null,
    problems: Problems,
  ): Promise<void> {
    const seen = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const page = await this.deps.lookup.streamHeads(after, 5000);
      if (page.length === 0) break;
      for (const head of page) {
        seen.add(head.streamId);
        const state = streams.get(head.streamId);
        if (state !== undefined && state.revision === head.revision && state.hash === head.hash)
          continue;
        const appendedSince = state === undefined || head.revision > state.revision;
        if (appendedSince && (await this.grewMeanwhile(head.streamId, head, state, lastRead)))
          continue;
        problems.add({
          kind: 'stream_head',
          streamId: head.streamId,
          message:
            state === undefined
              ? `stream ${head.streamId}: the store keeps its head at revision ${head.revision}, but the ledger has no event of it`
              : `stream ${head.streamId}: the store keeps its head at revision ${head.revision}, the last event is at revision ${state.revision}`,
        });
      }
      after = (page.at(-1) as { streamId: string }).streamId;
    }
    for (const [streamId, state] of streams) {
      if (seen.has(streamId)) continue;
      problems.add({
        kind: 'stream_head',
        streamId,
        message: `stream ${streamId}: the store keeps no head for it, its last event is at revision ${state.revision}`,
      });
    }
  }

  /** A stream appended to while the pass ran: its whole chain must hold up to the store's head. */
  private async grewMeanwhile(
    streamId: string,
    head: { revision: number; hash: string | null },
    state: StreamState | undefined,
    lastRead: LedgerPosition | null,
  ): Promise<boolean> {
    const events = await this.deps.store.readStream(streamId);
    const last = events.at(-1);
    if (
      !verifyStreamIntegrity(events).verified ||
      last === undefined ||
      last.revision < head.revision
    ) {
      return false;
    }
    // Its events after the ones the pass met must all come after the pass's last position.
    const unseen = events.slice((state?.revision ?? -1) + 1);
    return unseen.every(
      (event) =>
        lastRead === null || this.deps.store.comparePositions(event.position, lastRead) > 0,
    );
  }
}

const MALFORMED_HASH = '00'.repeat(32);

function headLeafOf(event: RecordedEvent): Buffer {
  const { streamId, revision } = event;
  try {
    return streamHeadLeafHash({ streamId, revision, hash: event.metadata.hash });
  } catch {
    return streamHeadLeafHash({ streamId, revision: Math.max(0, revision), hash: MALFORMED_HASH });
  }
}

function leafOf(event: RecordedEvent): Buffer {
  try {
    return eventLeafHash(event);
  } catch {
    // A hash that is not 64 hex digits: the chain check reports it; the tree still needs a leaf.
    return eventLeafHash({ metadata: { hash: MALFORMED_HASH } });
  }
}
