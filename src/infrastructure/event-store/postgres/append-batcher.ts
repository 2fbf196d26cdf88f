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
  /** Statements in flight at once; appends that arrive meanwhile wait and then go together. */
  readonly maxInFlight: number;
  /** The most appends one statement carries. */
  readonly maxBatch: number;
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
 * appended again alone, one after another in arrival order, and answers what `ledger_append` answers: the same error,
 * or success where the retry is idempotent (a batch that committed but whose answer was lost finds
 * its events already there).
 */
export class AppendBatcher {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: AppendBatcherOptions) {}

  append(append: PendingAppend): Promise<AppendedAt> {
    return new Promise<AppendedAt>((resolve, reject) => {
      this.waiting.push({ append, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  private async run(batch: readonly Waiter[]): Promise<void> {
    const [only] = batch;
    if (batch.length === 1 && only) return this.alone(only);
    let placed: ReadonlyArray<AppendedAt | null>;
    try {
      placed = await this.options.appendTogether(batch.map((waiter) => waiter.append));
    } catch {
      // Rolled back, or its answer lost: each one alone meets the cause again, or finds itself there.
      placed = [];
    }
    const leftOut: Waiter[] = [];
    for (const [i, waiter] of batch.entries()) {
      const at = placed[i];
      if (at) waiter.resolve(at);
      else leftOut.push(waiter);
    }
    for (const waiter of leftOut) await this.alone(waiter);
  }

  private async alone(waiter: Waiter): Promise<void> {
    try {
      waiter.resolve(await this.options.appendAlone(waiter.append));
    } catch (error) {
      waiter.reject(error);
    }
  }
}
