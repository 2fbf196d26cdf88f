import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { CallState } from '../../../../domain/call/call.state.js';
import type { RequestContext } from '../../../request-context.js';

export interface CallStateAt {
  readonly callId: string;
  readonly at: string;
  /** -1 when the call did not exist yet at that instant. */
  readonly revision: number;
  readonly state: CallState;
}

export class GetCallStateAtQuery extends Query<CallStateAt> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly at: Date,
    readonly context: RequestContext,
  ) {
    super();
  }
}
