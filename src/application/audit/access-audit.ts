import { Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import type { JsonObject } from '../../domain/shared/event.js';
import { CommandRunner } from '../command-runner.js';
import type { RequestContext } from '../request-context.js';

export type AccessEventType =
  | 'CallDetailsRead'
  | 'CallTimelineRead'
  | 'CallStateRead'
  | 'CallEvidenceExported'
  | 'RecordingDownloaded';

export const ACCESS_STREAM_PREFIX = 'access-';

export const accessStreamId = (callId: string): string => `${ACCESS_STREAM_PREFIX}${callId}`;

/** A read of one call: every call query carries who reads, in which request. */
export interface CallRead {
  readonly callId: string;
  readonly actor: Actor;
  readonly context: RequestContext;
}

/**
 * Records a read of protected health information in the call's access stream (never the call's
 * own stream, so reading never changes a call's revision). It is appended before the data is
 * returned: if the record cannot be written, the read fails.
 */
@Injectable()
export class AccessAudit {
  constructor(private readonly runner: CommandRunner) {}

  record(
    { callId, actor, context }: CallRead,
    type: AccessEventType,
    data: JsonObject,
  ): Promise<void> {
    return this.runner.record(
      accessStreamId(callId),
      { type, data: { callId, ...data } },
      actor,
      context,
    );
  }
}
