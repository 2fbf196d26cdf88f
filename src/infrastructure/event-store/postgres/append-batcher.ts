/** One stream's append, as `ledger_append` and `ledger_append_batch` take it. */
export interface PendingAppend {
  readonly streamId: string;
  /** -2 any, -1 no stream, n exactly n. */
  readonly expectedRevision: number;
  /** The JSON array of events `ledgerAppendArguments` builds. */
  readonly eventsJson: string;
}

/** Where an append landed; the transaction id travels as text. */
export interface AppendedAt {
  readonly revision: string;
  readonly transactionId: string;
  readonly position: string;
}

export interface AppendBatcherOptions {
  /** Appends one stream's events alone (`ledger_append`); rejects with whatever it raises. */
  readonly appendAlone: (append: PendingAppend) => Promise<AppendedAt>;
  /** Appends many in one transaction (`ledger_append_batch`): null for each one it left out. */
  readonly appendTogether: (
    appends: readonly PendingAppend[],
  ) => Promise<ReadonlyArray<AppendedAt | null>>;
  /** Statements in flight at once (at least 1); appends that arrive meanwhile wait, then go together. */
  readonly maxInFlight: number;
  /** The most appends one statement carries (at least 1). */
  readonly maxBatch: number;
  /** Told of a batch that failed as a whole (its appends are then appended alone). */
  readonly onBatchFailed: (error: unknown) => void;
}

interface Waiter {
  readonly append: PendingAppend;
  resolve(at: AppendedAt): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the ledger's appends (docs/architecture.md, "The event store"). While fewer than
 * `maxInFlight` statements run, an append goes at once and alone, exactly as it would without this
 * class. Appends that arrive while all of them run wait, and the next free slot takes them together:
 * one statement, one transaction, one commit for all. The busier the ledger, the larger the batches,
 * so the commits (and round trips) per append fall as the load rises.
 *
 * A batch never changes an append's outcome. Whatever the batch leaves out (a refused check, a wrong
 * expected revision, events partly present) and everything in a batch that failed as a whole is
 * appended again alone, in arrival order within each stream, the streams side by side, and answers
 * what `ledger_append` answers then: the same error, or success where the retry is idempotent (a
 * batch that committed but whose answer was lost finds its events already there).
 */
export class AppendBatcher {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];
  private readonly whenIdle: Array<() => void> = [];

  constructor(private readonly options: AppendBatcherOptions) {
    if (!(options.maxInFlight >= 1) || !(options.maxBatch >= 1)) {
      throw new RangeError('AppendBatcher needs maxInFlight and maxBatch of at least 1');
    }
  }

  append(append: PendingAppend): Promise<AppendedAt> {
    return new Promise<AppendedAt>((resolve, reject) => {
      this.waiting.push({ append, resolve, reject });
      this.dispatch();
    });
  }

  /** Resolves once nothing waits and nothing is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
        if (this.inFlight === 0 && this.waiting.length === 0) {
          for (const resolve of this.whenIdle.splice(0)) resolve();
        }
      });
    }
  }

  private async run(batch: readonly Waiter[]): Promise<void> {
    const [only] = batch;
    if (batch.length === 1 && only) return this.alone(only);
    let placed: ReadonlyArray<AppendedAt | null>;
    try {
      placed = await this.options.appendTogether(batch.map((waiter) => waiter.append));
    } catch (error) {
      // Rolled back, or its answer lost: each one alone meets the cause again, or finds itself there.
      this.options.onBatchFailed(error);
      placed = [];
    }
    const leftOut = new Map<string, Waiter[]>();
    for (const [i, waiter] of batch.entries()) {
      const at = placed[i];
      if (at) {
        waiter.resolve(at);
        continue;
      }
      const stream = leftOut.get(waiter.append.streamId);
      if (stream) stream.push(waiter);
      else leftOut.set(waiter.append.streamId, [waiter]);
    }
    await Promise.all(
      [...leftOut.values()].map(async (stream) => {
        for (const waiter of stream) await this.alone(waiter);
      }),
    );
  }

  private async alone(waiter: Waiter): Promise<void> {
    try {
      waiter.resolve(await this.options.appendAlone(waiter.append));
    } catch (error) {
      waiter.reject(error);
    }
  }
}
