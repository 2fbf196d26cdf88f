import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { RequestContext } from '../../../request-context.js';
import type { CallCommandResult } from '../../call-command.result.js';

export interface ReconnectCallResult extends CallCommandResult {
  /**
   * True when the ledger still had the caller in the room (JOINING or CONNECTED): a new socket
   * took over before the old one's loss was noticed, so nothing was recorded.
   */
  readonly resumed: boolean;
}

/** The caller comes back after a dropped connection (socket `reconnect-call`). */
export class ReconnectCallCommand extends Command<ReconnectCallResult> {
  constructor(
    readonly callId: string,
    readonly actor: Actor,
    readonly context: RequestContext,
  ) {
    super();
  }
}
