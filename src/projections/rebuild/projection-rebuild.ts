import type { Knex } from 'knex';
import type pg from 'pg';
import type {
  EventStore,
  LedgerPosition,
  RecordedEvent,
} from '../../application/ports/event-store.port.js';
import type { Projection } from '../projection.js';
import { lockProjection, unlockProjection } from '../projection-lock.js';
import {
  createShadowTable,
  dropShadowTable,
  indexShadowTables,
  shadowName,
  swapShadowTables,
  type ShadowTable,
} from './shadow-tables.js';

/** A projection that can be rebuilt: the live tables it owns, and a way to write elsewhere. */
export interface RebuildableProjection {
  readonly name: string;
  readonly tables: readonly string[];
  /**
   * Tables the rebuilt projection only inserts into (never reads or upserts): their primary key
   * is built after the load, like the other indexes, which is much cheaper for a random key.
   */
  readonly keysAfterLoad?: readonly string[];
  /**
   * The projection writing to `table(liveName)` instead of each live table; `rebuild` when it
   * fills shadow tables (it may then hold rows back until `flush`).
   */
  create(table: (live: string) => string, options: { readonly rebuild: boolean }): Projection;
}

export type RebuildPhase = 'copying' | 'indexing' | 'catching-up' | 'swapping' | 'done';

export interface RebuildProgress {
  readonly phase: RebuildPhase;
  /** Events read from the ledger so far. */
  readonly done: number;
  /** Events in the ledger when the rebuild started (grows as it catches up); null if unknown. */
  readonly total: number | null;
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  readonly store: EventStore;
  readonly knex: Knex;
  /** Advisory locks are held on connections from this pool. */
  readonly pool: pg.Pool;
  readonly projections: readonly RebuildableProjection[];
  /** Events per batch (one transaction per projection). Default 5000. */
  readonly batchSize?: number;
  /** false: build and keep the shadow tables, swap nothing (to compare or inspect). */
  readonly swap?: boolean;
  /** How many events the feed holds for these stream prefixes (null: no filter); for progress. */
  readonly countEvents?: (streamPrefixes: readonly string[] | null) => Promise<number>;
  readonly onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  /** Longest wait for the live runner to hand its lock over. Default 60 s. */
  readonly handoverTimeoutMs?: number;
  /** Longest wait of the swap for readers of the live tables, per attempt. Default 10 s. */
  readonly swapLockTimeoutMs?: number;
}

export interface RebuildResult {
  /** The position the rebuilt tables (and the reset checkpoints) stand at. */
  readonly position: LedgerPosition | null;
  readonly events: number;
  readonly seconds: number;
  readonly swapped: boolean;
  /** Shadow table names (still there when `swap` was false). */
  readonly shadowTables: readonly string[];
}

export class RebuildAlreadyRunningError extends Error {
  constructor(projection: string) {
    super(`A rebuild of ${projection} is already running`);
    this.name = 'RebuildAlreadyRunningError';
  }
}

interface Target {
  readonly definition: RebuildableProjection;
  readonly projection: Projection;
  readonly shadows: ShadowTable[];
  applied: number;
}

const rebuildLockName = (projection: string): string => `projection-rebuild:${projection}`;

function concerns(projection: Projection, event: RecordedEvent): boolean {
  const prefixes = projection.streamPrefixes;
  return !prefixes || prefixes.length === 0 || prefixes.some((p) => event.streamId.startsWith(p));
}

/** The feed filter of a pass serving all `targets`: null when one of them reads every stream. */
function feedPrefixes(targets: readonly Target[]): string[] | null {
  const prefixes = new Set<string>();
  for (const { projection } of targets) {
    if (!projection.streamPrefixes || projection.streamPrefixes.length === 0) return null;
    for (const prefix of projection.streamPrefixes) prefixes.add(prefix);
  }
  return [...prefixes];
}

/**
 * Rebuilds projections from position 0 into shadow tables while the service keeps answering from
 * the live ones and their runners keep them current; then swaps the shadows in, in one transaction
 * that also resets each projection's checkpoint to the position the shadows reached.
 *
 * Coordination with a running runner: before the swap the rebuild *waits* for the projection's
 * advisory lock. The active runner sees the waiter, finishes its batch and hands the lock over
 * (projection-lock.ts); the rebuild applies what was appended since, swaps, resets the checkpoint
 * and releases the lock; the runner takes it back and continues from the new checkpoint on the new
 * tables. Should a runner not see the request, the fenced checkpoint still refuses its batch.
 *
 * One pass over the feed serves every projection rebuilt together; each batch is one transaction.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildResult> {
  const { knex, store } = options;
  const batchSize = options.batchSize ?? 5000;
  const started = performance.now();
  const lockClient = await options.pool.connect();
  const names = [...options.projections].map((p) => p.name).sort();
  const heldRebuildLocks: string[] = [];
  const heldProjectionLocks: string[] = [];
  let broken = false;
  const onLockClientError = (): void => {
    broken = true;
  };
  lockClient.on('error', onLockClientError);
  const targets: Target[] = [];
  try {
    for (const name of names) {
      const { rows } = await lockClient.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [rebuildLockName(name)],
      );
      if (!rows[0]?.locked) throw new RebuildAlreadyRunningError(name);
      heldRebuildLocks.push(name);
    }

    for (const definition of options.projections) {
      const shadows: ShadowTable[] = [];
      for (const table of definition.tables) {
        const keysAfterLoad = definition.keysAfterLoad?.includes(table) ?? false;
        shadows.push(await createShadowTable(knex, table, { keysAfterLoad }));
      }
      targets.push({
        definition,
        projection: definition.create((live) => shadowName(live), { rebuild: true }),
        shadows,
        applied: 0,
      });
    }

    const prefixes = feedPrefixes(targets);
    let total = options.countEvents ? await options.countEvents(prefixes) : null;
    let done = 0;
    let position: LedgerPosition | null = null;
    let phase: RebuildPhase = 'copying';
    const report = async (): Promise<void> => {
      if (total !== null && done > total) total = done;
      await options.onProgress?.({
        phase,
        done,
        total,
        elapsedMs: performance.now() - started,
      });
    };
    const read = (after: LedgerPosition | null): Promise<RecordedEvent[]> =>
      store.readAll({ after, limit: batchSize, ...(prefixes ? { streamPrefixes: prefixes } : {}) });

    /**
     * Applies the feed after `position` to the shadows until a read finds nothing new.
     *
     * No read-ahead: reading the next batch while this one is written kept a second parsed batch
     * alive across several young-generation collections, so both were promoted and the old
     * generation (and with it V8's heap limit and the process's RSS) kept growing through the
     * rebuild; on two cores shared with PostgreSQL the overlap bought no measurable speed.
     */
    const copy = async (): Promise<void> => {
      for (;;) {
        const events = await read(position);
        if (events.length === 0) return;
        const last = events[events.length - 1] as RecordedEvent;
        // Each projection in a transaction of its own, side by side: their tables are apart,
        // and a failure fails the whole rebuild anyway.
        await Promise.all(
          targets.map(async (target) => {
            const mine = events.filter((event) => concerns(target.projection, event));
            if (mine.length === 0) return;
            await knex.transaction(async (trx) => {
              // Shadow rows are disposable until the swap, whose commit is synchronous.
              await trx.raw('SET LOCAL synchronous_commit = off');
              await target.projection.apply(trx, mine);
            });
            target.applied += mine.length;
          }),
        );
        position = last.position;
        done += events.length;
        await report();
      }
    };
    /** Writes what the projections held back. */
    const flush = async (): Promise<void> => {
      await Promise.all(
        targets.map((target) =>
          knex.transaction(async (trx) => {
            await trx.raw('SET LOCAL synchronous_commit = off');
            await target.projection.flush?.(trx);
          }),
        ),
      );
    };

    await report();
    await copy();
    await flush();
    phase = 'indexing';
    await report();
    await indexShadowTables(
      knex,
      targets.flatMap((target) => target.shadows),
    );
    phase = 'catching-up';
    await copy();
    await flush();
    await report();

    if (options.swap === false) {
      phase = 'done';
      await report();
      return {
        position,
        events: done,
        seconds: (performance.now() - started) / 1000,
        swapped: false,
        shadowTables: targets.flatMap((t) => t.shadows.map((s) => s.shadow)),
      };
    }

    // Take the projections' own locks: their runners hand over after the batch in hand.
    phase = 'swapping';
    await report();
    await lockClient.query(`SET lock_timeout = ${Math.round(options.handoverTimeoutMs ?? 60_000)}`);
    for (const name of names) {
      await lockProjection(lockClient, name);
      heldProjectionLocks.push(name);
    }
    await lockClient.query('SET lock_timeout = 0');
    // Nothing writes the live tables now; apply what arrived meanwhile, then swap.
    await copy();
    await flush();
    const swapAt = position;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await knex.transaction(async (trx) => {
          await trx.raw(
            `SET LOCAL lock_timeout = ${Math.round(options.swapLockTimeoutMs ?? 10_000)}`,
          );
          await swapShadowTables(
            trx,
            targets.flatMap((t) => t.shadows),
          );
          for (const target of targets) {
            await trx.raw(
              `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at)
               VALUES (?, ?, ?, now())
               ON CONFLICT (name) DO UPDATE
                  SET position = excluded.position,
                      events_applied = excluded.events_applied,
                      updated_at = now()`,
              [target.definition.name, swapAt, target.applied],
            );
          }
        });
        break;
      } catch (error) {
        // 55P03 lock_not_available: a long reader held a live table; try again.
        if ((error as { code?: string }).code !== '55P03' || attempt >= 5) throw error;
      }
    }
    phase = 'done';
    await report();
    return {
      position: swapAt,
      events: done,
      seconds: (performance.now() - started) / 1000,
      swapped: true,
      shadowTables: [],
    };
  } catch (error) {
    for (const target of targets) {
      for (const shadow of target.shadows)
        await dropShadowTable(knex, shadow).catch(() => undefined);
    }
    throw error;
  } finally {
    if (broken) {
      lockClient.release(true);
    } else {
      try {
        for (const name of heldProjectionLocks) await unlockProjection(lockClient, name);
        for (const name of heldRebuildLocks) {
          await lockClient.query('SELECT pg_advisory_unlock(hashtext($1))', [
            rebuildLockName(name),
          ]);
        }
        // The client goes back to the pool: a listener left on it would keep this whole rebuild
        // (its projections, their caches) alive, one more with every rebuild.
        lockClient.off('error', onLockClientError);
        lockClient.release();
      } catch {
        lockClient.release(true);
      }
    }
  }
}
