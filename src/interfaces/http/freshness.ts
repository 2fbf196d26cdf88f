import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import {
  READ_MODEL_PROGRESS,
  type ReadModelName,
  type ReadModelProgress,
} from '../../application/ports/read-model-progress.port.js';

/** How long a query waits for its read model to reach `minPosition` before answering anyway. */
export const FRESHNESS_WAIT_MS = 5000;

/**
 * Read-your-writes for queries: with `?minPosition=` the answer waits until the read model has
 * applied that position; if it could not in time, the answer says so with `X-Ledger-Stale: true`.
 */
@Injectable()
export class Freshness {
  constructor(@Inject(READ_MODEL_PROGRESS) private readonly progress: ReadModelProgress) {}

  async awaitPosition(
    model: ReadModelName,
    minPosition: string | undefined,
    response: Response,
  ): Promise<void> {
    if (minPosition === undefined) return;
    const reached = await this.progress.waitFor(model, minPosition, FRESHNESS_WAIT_MS);
    if (!reached) response.setHeader('X-Ledger-Stale', 'true');
  }
}
