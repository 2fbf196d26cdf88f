import type { LedgerPosition } from '../application/ports/event-store.port.js';
import type {
  ReadModelName,
  ReadModelProgress,
} from '../application/ports/read-model-progress.port.js';
import type { ProjectionRunner } from './projection-runner.js';

/** Answers read-your-writes waits from the runners that feed each read model. */
export class RunnerReadModelProgress implements ReadModelProgress {
  constructor(
    private readonly runners: Readonly<Record<ReadModelName, readonly ProjectionRunner[]>>,
  ) {}

  async waitFor(
    model: ReadModelName,
    position: LedgerPosition,
    timeoutMs: number,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const runner of this.runners[model]) {
      if (!(await runner.waitFor(position, Math.max(0, deadline - Date.now())))) return false;
    }
    return true;
  }
}
