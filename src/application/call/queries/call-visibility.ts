import { Injectable, Inject } from '@nestjs/common';
import type { Actor } from '../../../domain/shared/actor.js';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import { AccessAudit, readsAreAudited, type AccessEventType } from '../../audit/access-audit.js';
import type { CommandEnvelope } from '../../handle-command.js';
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
    envelope: CommandEnvelope,
    audit: { type: AccessEventType; view: string },
  ): Promise<CallDetails> {
    const call = await this.calls.findCall(callId);
    if (!call) throw new CallNotFoundError(callId);
    const party = call.providerId === actor.userId || call.patientId === actor.userId;
    if (party) return call;
    if (!readsAreAudited(actor)) throw new CallNotFoundError(callId);
    await this.access.record(callId, audit.type, { view: audit.view }, actor, envelope);
    return call;
  }
}
