import { QualitySampleTooFrequentError } from './call-quality.errors.js';
import { participantQuality, type CallQualityState } from './call-quality.state.js';
import { SAMPLE_BUDGET } from './call-quality.values.js';

/**
 * Whether the participant may have one more sample recorded at `now` (see SAMPLE_BUDGET): their
 * last SAMPLE_BUDGET.samples samples, which the degradation window holds, must span at least as
 * many reporting intervals. Decided on the stream's state, so it holds across sockets and
 * instances alike.
 */
export function isSampleDue(
  state: CallQualityState,
  userId: string,
  now: string,
  intervalSeconds: number,
): boolean {
  const { window } = participantQuality(state, userId);
  const oldest = window.at(-SAMPLE_BUDGET.samples);
  if (window.length < SAMPLE_BUDGET.samples || !oldest) return true;
  const budgetMs = SAMPLE_BUDGET.samples * intervalSeconds * 1000;
  return Date.parse(now) - Date.parse(oldest.sampledAt) >= budgetMs;
}

export function requireSampleDue(
  state: CallQualityState,
  userId: string,
  now: string,
  intervalSeconds: number,
): void {
  if (!isSampleDue(state, userId, now, intervalSeconds)) {
    throw new QualitySampleTooFrequentError(intervalSeconds);
  }
}
