import type { EventMetadata, EventToAppend } from '../src/application/ports/event-store.port.js';
import type { Actor } from '../src/domain/shared/actor.js';
import type { JsonObject } from '../src/domain/shared/event.js';
import type { Commit } from './history-commits.js';
import type { SeededRandom } from './seeded-random.js';

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];

export const SYSTEM: Actor = { userId: 'system', role: 'system' };

export const iso = (at: number): string => new Date(at).toISOString();

/** One generated call between a provider and a patient, and where its commits go. */
export interface GeneratedCall {
  readonly random: SeededRandom;
  readonly callId: string;
  readonly stream: string;
  readonly provider: Actor;
  readonly patient: Actor;
  /** Every commit of the window the call belongs to, its other streams' included. */
  readonly out: Commit[];
  /** An event of this call: its correlation id, and the origin of the person who acted. */
  event(type: string, data: JsonObject, actor: Actor, at: number): EventToAppend;
  /** Events appended together to the call's stream at `at`. */
  commit(at: number, ...events: EventToAppend[]): void;
}

/**
 * A new call between a provider and a patient drawn from the given ones, with a skewed spread:
 * the first provider takes about a quarter of the calls.
 */
export function newCall(
  random: SeededRandom,
  providers: readonly string[],
  patients: readonly string[],
  out: Commit[],
): GeneratedCall {
  const callId = random.uuid();
  const stream = `call-${callId}`;
  const providerId = random.chance(0.25) ? (providers[0] as string) : random.pick(providers);
  const patientId = random.pick(patients);
  const origin = {
    ip: `10.${random.between(0, 255)}.${random.between(0, 255)}.${random.between(1, 254)}`,
    userAgent: random.pick(USER_AGENTS),
  };
  const correlationId = random.uuid();
  return {
    random,
    callId,
    stream,
    provider: { userId: providerId, role: 'provider' },
    patient: { userId: patientId, role: 'patient' },
    out,
    event(type, data, actor, at) {
      const metadata: EventMetadata = {
        actor,
        occurredAt: iso(at),
        correlationId,
        causationId: null,
        ...(actor.role === 'system' ? {} : { origin }),
      };
      return { eventId: random.uuid(), type, version: 1, data, metadata };
    },
    commit(at, ...events) {
      out.push({ streamId: stream, at, events });
    },
  };
}

/** The system takes a participant out of the room because the call is over. */
export function leftAtEnd(call: GeneratedCall, userId: string, at: number): EventToAppend {
  return call.event('ParticipantLeft', { userId, at: iso(at), reason: 'call_ended' }, SYSTEM, at);
}
