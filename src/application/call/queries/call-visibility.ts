import { Injectable, Inject } from '@nestjs/common';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import { callReadAccess } from '../../../domain/call/call.parties.js';
import { AccessAudit, type CallRead } from '../../audit/access-audit.js';
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

  /** The call, if `read.actor` may see it; `view` names what of it an audited reader saw. */
  async readableCall(read: CallRead, view: string): Promise<CallDetails> {
    const { callId, actor } = read;
    const call = await this.calls.findCall(callId);
    if (!call) throw new CallNotFoundError(callId);
    const access = callReadAccess(call, actor);
    if (access === 'party') return call;
    if (access === 'none') throw new CallNotFoundError(callId);
    await this.access.record(read, 'CallDetailsRead', { view });
    return call;
  }
}
