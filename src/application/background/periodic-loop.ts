/**
 * Runs a pass at once and then again and again, each time after the delay the pass answers,
 * until stopped. A pass handles its own failures: the loop only keeps time, so one bad pass
 * cannot end the work of every later one. Stopping waits for a pass under way, so nothing
 * touches the database once the process has let go of it.
 */
export class PeriodicLoop {
  private timeout: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  /** `pass` answers how many milliseconds to wait before the next pass. */
  constructor(private readonly pass: () => Promise<number>) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timeout) clearTimeout(this.timeout);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timeout = setTimeout(() => {
      this.running = this.runPass().finally(() => (this.running = null));
    }, delayMs);
  }

  private async runPass(): Promise<void> {
    this.schedule(await this.pass());
  }
}
