import { Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import { callDecider, callStreamId } from '../../domain/call/call.decider.js';
import type { CallCommand, CallCommandType } from '../../domain/call/call.commands.js';
import type { CallEvent } from '../../domain/call/call.events.js';
import { requireCallVisibleTo } from '../../domain/call/call.parties.js';
import type { CallState } from '../../domain/call/call.state.js';
import {
  CommandRunner,
  decideWith,
  type Decision,
  type LoadedStream,
  type Unstamped,
} from '../command-runner.js';
import type { RequestContext } from '../request-context.js';
import type { StreamStateCache } from '../stream-state-cache.js';
import type { CallCommandResult } from './call-command.result.js';

/** A call command as a controller or socket handler builds it, e.g. `{ type: 'AnswerCall', data: {} }`. */
export type CallRequest = Unstamped<CallCommand>;

/**
 * The call streams' face of the command runner: `call-<callId>`, hidden from strangers, every
 * command counted in the metrics under its type.
 */
@Injectable()
export class CallCommands {
  constructor(private readonly runner: CommandRunner) {}

  execute(
    callId: string,
    command: CallRequest,
    actor: Actor,
    context: RequestContext,
  ): Promise<CallCommandResult> {
    return this.decide(callId, command.type, actor, context, decideWith(callDecider, command));
  }

  /** For a use case that decides on the state of the one load the runner makes. */
  decide(
    callId: string,
    type: CallCommandType,
    actor: Actor,
    context: RequestContext,
    decision: Decision<CallState, CallEvent>,
  ): Promise<CallCommandResult> {
    return this.runner.run(callDecider, callStreamId(callId), decision, actor, context, {
      authorize: (state) => requireCallVisibleTo(state, actor, callId),
      metricLabel: type,
    });
  }

  /**
   * The call as the ledger has it now (for idempotent replays and checks before a command); with
   * a cache, only what was appended since the cached state is read.
   */
  load(callId: string, cache?: StreamStateCache<CallState>): Promise<LoadedStream<CallState>> {
    return this.runner.load(callDecider, callStreamId(callId), cache);
  }
}
