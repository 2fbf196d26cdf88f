import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { EvidenceDocument } from '../../../ledger/call-evidence.js';
import type { RequestContext } from '../../../request-context.js';

export class GetCallEvidenceQuery extends Query<EvidenceDocument> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
