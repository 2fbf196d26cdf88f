import { Waker, type ErrorReporter } from '../subscription-support.js';

/** The channel on which writers announce their commits and subscribers LISTEN. */
export const LEDGER_CHANNEL = 'ledger_events';

/** NOTIFY payloads must stay under 8000 bytes; keep well below. */
const NOTICE_BUDGET_BYTES = 7000;
const ANY_STREAM = '*';

/** What a commit notification says: the newest committed transaction, and which streams. */
export interface CommitNotice {
  readonly transactionId: bigint | null;
  /** null: possibly any stream. */
  readonly streamIds: readonly string[] | null;
}

/** Payload: the transaction id, then one stream id per line, or a single `*` line for "any". */
export function formatNotice(transactionId: bigint, streamIds: Iterable<string> | null): string {
  const lines = [transactionId.toString()];
  let bytes = lines[0]!.length;
  if (streamIds === null) return `${lines[0]}\n${ANY_STREAM}`;
  for (const streamId of streamIds) {
    bytes += Buffer.byteLength(streamId) + 1;
    if (bytes > NOTICE_BUDGET_BYTES || streamId.includes('\n') || streamId === ANY_STREAM) {
      return `${lines[0]}\n${ANY_STREAM}`;
    }
    lines.push(streamId);
  }
  return lines.join('\n');
}

export function parseNotice(payload: string | undefined): CommitNotice {
  const [first, ...streamIds] = (payload ?? '').split('\n');
  const transactionId = first && /^\d+$/.test(first) ? BigInt(first) : null;
  const any = streamIds.length === 0 || streamIds.includes(ANY_STREAM);
  return { transactionId, streamIds: any ? null : streamIds };
}

/**
 * Announces this process's commits on the ledger channel, after they committed. At most one
 * NOTIFY is in flight and they are at least `intervalMs` apart; appends that complete meanwhile
 * are announced together by the next one. (A NOTIFY inside the appending transaction would take a
 * database-wide lock until that commit ends, and so serialise every appending commit.)
 */
export class CommitNotifier {
  private newestTransaction: bigint | null = null;
  private readonly streamIds = new Set<string>();
  private running: Promise<void> | null = null;
  private lastSentAt = 0;
  private readonly waker = new Waker();

  constructor(
    private readonly send: (payload: string) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: ErrorReporter,
  ) {}

  announce(transactionId: bigint, streamId: string): void {
    if (this.waker.isStopped) return;
    if (this.newestTransaction === null || transactionId > this.newestTransaction) {
      this.newestTransaction = transactionId;
    }
    this.streamIds.add(streamId);
    this.running ??= this.flush().finally(() => {
      this.running = null;
    });
  }

  /** Sends what is pending at once, then stops. */
  async close(): Promise<void> {
    this.waker.stop();
    await this.running;
  }

  private async flush(): Promise<void> {
    while (this.newestTransaction !== null) {
      const wait = this.lastSentAt + this.intervalMs - Date.now();
      if (wait > 0) await this.waker.sleep(wait);
      const payload = formatNotice(this.newestTransaction, this.streamIds);
      this.newestTransaction = null;
      this.streamIds.clear();
      this.lastSentAt = Date.now();
      try {
        await this.send(payload);
      } catch (error) {
        this.onError(error, 'commit notification failed; subscribers fall back to their timer');
      }
    }
  }
}
