/**
 * Rebuild progress for a terminal: on a TTY one line, redrawn in place (`\r`), at most every
 * `redrawMs`; otherwise (a log file, CI) a plain line every `lineEveryMs` and at each phase change.
 * Written to stderr so that stdout stays free for results.
 */

export interface ProgressSnapshot {
  readonly phase: string;
  readonly done: number;
  readonly total: number | null;
  readonly elapsedMs: number;
}

export interface ProgressOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const number = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (v: number): string => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** `[#####-----]  52.3%  652,000 / 1,246,000 events  31,250 ev/s  ETA 00:19  copying` */
export function formatProgress(snapshot: ProgressSnapshot, width = 24): string {
  const seconds = snapshot.elapsedMs / 1000;
  const rate = seconds > 0 ? snapshot.done / seconds : 0;
  const parts: string[] = [];
  if (snapshot.total !== null && snapshot.total > 0) {
    const fraction = Math.min(1, snapshot.done / snapshot.total);
    const filled = Math.round(fraction * width);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
    parts.push(`${(fraction * 100).toFixed(1).padStart(5)}%`);
    parts.push(`${number(snapshot.done)} / ${number(snapshot.total)} events`);
    parts.push(`${number(rate)} ev/s`);
    const eta = rate > 0 ? (snapshot.total - snapshot.done) / rate : Number.NaN;
    parts.push(`ETA ${snapshot.phase === 'copying' ? formatDuration(eta) : '00:00'}`);
  } else {
    parts.push(`${number(snapshot.done)} events`, `${number(rate)} ev/s`);
  }
  parts.push(`elapsed ${formatDuration(seconds)}`, snapshot.phase);
  return parts.join('  ');
}

export class ProgressBar {
  private lastDraw = 0;
  private lastPhase = '';
  private drawn = false;

  constructor(
    private readonly output: ProgressOutput,
    private readonly options: { readonly redrawMs?: number; readonly lineEveryMs?: number } = {},
    private readonly now: () => number = () => Date.now(),
  ) {}

  update(snapshot: ProgressSnapshot): void {
    const time = this.now();
    const phaseChanged = snapshot.phase !== this.lastPhase;
    this.lastPhase = snapshot.phase;
    if (this.output.isTTY) {
      if (!phaseChanged && time - this.lastDraw < (this.options.redrawMs ?? 100)) return;
      this.lastDraw = time;
      const columns = this.output.columns || 120;
      const line = formatProgress(snapshot).slice(0, Math.max(20, columns - 1));
      // Carriage return, the line, then clear what a longer previous line left behind.
      this.output.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    if (!phaseChanged && time - this.lastDraw < (this.options.lineEveryMs ?? 5000)) return;
    this.lastDraw = time;
    this.output.write(`${formatProgress(snapshot)}\n`);
  }

  /** Ends the line (TTY) and prints a last plain line. */
  finish(message: string): void {
    if (this.output.isTTY && this.drawn) this.output.write('\n');
    this.output.write(`${message}\n`);
  }
}
