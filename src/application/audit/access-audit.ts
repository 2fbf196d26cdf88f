import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import type { JsonObject } from '../../domain/shared/event.js';
import type { CommandEnvelope } from '../handle-command.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';

export type AccessEventType =
  'CallDetailsRead' | 'CallTimelineRead' | 'CallStateRead' | 'RecordingDownloaded';

export const ACCESS_STREAM_PREFIX = 'access-';

export const accessStreamId = (callId: string): string => `${ACCESS_STREAM_PREFIX}${callId}`;

/** Only these roles read other people's calls, and every such read is recorded. */
export function readsAreAudited(actor: Actor): boolean {
  return actor.role === 'auditor' || actor.role === 'admin';
}

/**
 * Records a read of protected health information in the call's access stream (never the call's
 * own stream, so reading never changes a call's revision). It is appended before the data is
 * returned: if the record cannot be written, the read fails.
 */
@Injectable()
export class AccessAudit {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async record(
    callId: string,
    type: AccessEventType,
    data: JsonObject,
    actor: Actor,
    envelope: CommandEnvelope,
  ): Promise<void> {
    await this.store.appendToStream(
      accessStreamId(callId),
      [
        {
          eventId: this.ids.newId(),
          type,
          version: 1,
          data: { callId, ...data },
          metadata: {
            actor,
            occurredAt: this.clock.now().toISOString(),
            correlationId: envelope.correlationId,
            causationId: envelope.causationId,
            ...(envelope.origin ? { origin: envelope.origin } : {}),
          },
        },
      ],
      { expectedRevision: 'any' },
    );
  }
}
