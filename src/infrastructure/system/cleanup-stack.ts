/**
 * Undo steps collected while starting up, run newest first on shutdown (or when start-up fails
 * half way). A failing step is reported and the rest still run.
 */
export class CleanupStack {
  private readonly steps: Array<() => Promise<unknown>> = [];

  constructor(private readonly onError: (error: unknown) => void) {}

  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step().catch(this.onError);
    }
  }
}
