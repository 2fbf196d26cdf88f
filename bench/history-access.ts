import type { Actor } from '../src/domain/shared/actor.js';
import { iso, USER_AGENTS } from './history-call.js';
import type { Commit } from './history-commits.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * Now and then an auditor reads a call's details some time after it ended: a `CallDetailsRead`
 * in the call's `access-<id>` stream.
 */
export function maybeAuditorRead(
  random: SeededRandom,
  auditor: Actor,
  callId: string,
  after: number,
  out: Commit[],
): void {
  if (!random.chance(0.03)) return;
  const at = after + random.between(60, 7200) * 1000;
  out.push({
    streamId: `access-${callId}`,
    at,
    events: [
      {
        eventId: random.uuid(),
        type: 'CallDetailsRead',
        version: 1,
        data: { callId },
        metadata: {
          actor: auditor,
          occurredAt: iso(at),
          correlationId: random.uuid(),
          causationId: null,
          origin: { ip: '10.9.9.9', userAgent: USER_AGENTS[0] as string },
        },
      },
    ],
  });
}
