import { Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import { CommandRunner } from '../command-runner.js';
import type { RequestContext } from '../request-context.js';
import { accessStreamId } from './access-audit.js';

export const ACCESS_DENIED_EVENT = 'AccessDenied';

/** A read or command on a call (or one of its recordings) that was refused. */
export interface AccessDenial {
  /** The call the request named; it need not exist (probing unknown ids is recorded too). */
  readonly callId: string;
  readonly recordingId: string | null;
  /** The stable error code the caller was answered, e.g. CALL.NOT_FOUND. */
  readonly code: string;
  readonly status: number;
  /** The route as declared (`/webrtc/calls/:id/answer`), never the requested URL. */
  readonly method: string;
  readonly route: string;
  readonly actor: Actor;
  readonly context: RequestContext;
}

/**
 * Records refusals in the call's access stream, beside the granted reads, so an auditor sees who
 * tried what on a call whether or not they got it. The stream of a call that does not exist names
 * nothing but the id that was tried.
 */
@Injectable()
export class AccessDenialAudit {
  constructor(private readonly runner: CommandRunner) {}

  record(denial: AccessDenial): Promise<void> {
    const { callId, recordingId, code, status, method, route, actor, context } = denial;
    return this.runner.record(
      accessStreamId(callId),
      {
        type: ACCESS_DENIED_EVENT,
        data: {
          callId,
          ...(recordingId !== null ? { recordingId } : {}),
          code,
          status,
          method,
          route,
        },
      },
      actor,
      context,
    );
  }
}
