import { Injectable, Inject } from '@nestjs/common';
import type { Actor } from '../../../domain/shared/actor.js';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import { callReadAccess } from '../../../domain/call/call.parties.js';
import { AccessAudit, type AccessEventType } from '../../audit/access-audit.js';
import type { RequestContext } from '../../request-context.js';
import {
  CALL_READ_MODEL,
  type CallDetails,
  type CallReadModel,
} from '../../ports/call-read-model.port.js';

/**
 * Who may read a call: its provider and patient; auditors and admins too, with the read audited.
 * Everyone else is told it does not exist.
 */
@Injectable()
export class CallVisibility {
  constructor(
    @Inject(CALL_READ_MODEL) private readonly calls: CallReadModel,
    private readonly access: AccessAudit,
  ) {}

  async readableCall(
    callId: string,
    actor: Actor,
    context: RequestContext,
    audit: { type: AccessEventType; view: string },
  ): Promise<CallDetails> {
    const call = await this.calls.findCall(callId);
    if (!call) throw new CallNotFoundError(callId);
    const access = callReadAccess(call, actor);
    if (access === 'party') return call;
    if (access === 'none') throw new CallNotFoundError(callId);
    await this.access.record(callId, audit.type, { view: audit.view }, actor, context);
    return call;
  }
}
