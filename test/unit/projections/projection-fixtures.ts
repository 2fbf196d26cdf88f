import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../../src/application/ports/event-store.port.js';
import type { Actor } from '../../../src/domain/shared/actor.js';
import type { JsonObject } from '../../../src/domain/shared/event.js';

export const PROVIDER = '00000000-0000-4000-8000-00000000000a';
export const PATIENT = '00000000-0000-4000-8000-00000000000b';
export const AUDITOR = '00000000-0000-4000-8000-00000000000c';
export const T0 = Date.parse('2025-03-01T23:59:00.000Z');

export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

/** A little ledger: streams with revisions, one global feed of increasing positions. */
export class TestLedger {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();
  private position = 10n ** 20n;

  append(
    streamId: string,
    type: string,
    data: JsonObject,
    options: { actor?: Actor; seconds?: number; origin?: JsonObject } = {},
  ): RecordedEvent {
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    this.position += 7n;
    const event = {
      eventId: randomUUID(),
      streamId,
      revision,
      position: this.position.toString(),
      type,
      version: 1,
      data,
      metadata: {
        actor: options.actor ?? { userId: PROVIDER, role: 'provider' },
        occurredAt: at(options.seconds ?? 0),
        correlationId: randomUUID(),
        causationId: null,
        ...(options.origin ? { origin: options.origin } : {}),
        hash: 'h',
        previousHash: null,
      },
    } as RecordedEvent;
    this.events.push(event);
    return event;
  }
}

/** A call's stream with the decider's event shapes. */
export class CallScript {
  readonly callId = randomUUID();
  constructor(private readonly ledger: TestLedger) {}

  get stream(): string {
    return `call-${this.callId}`;
  }

  private add(type: string, data: JsonObject, seconds: number, actor?: Actor): RecordedEvent {
    return this.ledger.append(this.stream, type, data, { seconds, ...(actor ? { actor } : {}) });
  }

  initiated(seconds = 0, status: 'RINGING' | 'SCHEDULED' = 'RINGING'): RecordedEvent {
    return this.add(
      'CallInitiated',
      {
        callId: this.callId,
        type: 'VIDEO',
        providerId: PROVIDER,
        patientId: PATIENT,
        initiatorId: PROVIDER,
        calleeId: PATIENT,
        status,
        scheduledAt: status === 'SCHEDULED' ? at(seconds + 3600) : null,
        recordingEnabled: true,
        reason: 'check-up',
        initiatedAt: at(seconds),
      },
      seconds,
    );
  }

  event(type: string, data: JsonObject, seconds: number, actor?: Actor): RecordedEvent {
    return this.add(type, data, seconds, actor);
  }

  joined(userId: string, seconds: number): RecordedEvent {
    return this.add('ParticipantJoined', { userId, at: at(seconds) }, seconds);
  }

  quality(
    seconds: number,
    sample: Partial<Record<string, string | number | boolean | null>>,
  ): RecordedEvent {
    return this.ledger.append(
      `callquality-${this.callId}`,
      'QualitySampleRecorded',
      {
        callId: this.callId,
        userId: PATIENT,
        sampledAt: at(seconds),
        rttMs: 100,
        jitterMs: 10,
        packetLossPct: 1,
        bitrateKbps: 800,
        mos: 4.2,
        candidateType: 'host',
        connectionState: 'connected',
        poor: false,
        ...sample,
      },
      { seconds, actor: { userId: PATIENT, role: 'patient' } },
    );
  }
}
