import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { RequestContext } from '../../../request-context.js';
import type { CallDetails } from '../../../ports/call-read-model.port.js';

export class GetCallDetailsQuery extends Query<CallDetails> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
