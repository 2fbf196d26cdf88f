import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../handle-command.js';
import type { CallCommandResult } from '../call-command.result.js';

/** What every call use case receives: whose call, who asks, and the request's envelope. */
export abstract class CallUseCaseCommand extends Command<CallCommandResult> {
  constructor(
    readonly callId: string,
    readonly actor: Actor,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}
