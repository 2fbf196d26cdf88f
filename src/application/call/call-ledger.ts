import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/actor.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { callDecider, callStreamId } from '../../domain/call/call.decider.js';
import type { CallCommand } from '../../domain/call/call.commands.js';
import type { CallState } from '../../domain/call/call.state.js';
import { CallNotFoundError } from '../../domain/call/call.errors.js';
import { ApplicationError } from '../application.errors.js';
import {
  handleCommand,
  loadAggregate,
  type CommandEnvelope,
  type LoadedAggregate,
} from '../handle-command.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import {
  COMMAND_METRICS,
  type CommandMetrics,
  type CommandOutcomeLabel,
} from '../ports/command-metrics.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import type { CallCommandResult } from './call-command.result.js';

type CallCommandType = CallCommand['type'];
type CallCommandData<T extends CallCommandType> = Extract<CallCommand, { type: T }>['data'];

/** Parties see their call; everyone else is told it does not exist (no probing by id). */
export function isCallParty(state: CallState, userId: string): boolean {
  return state.status !== 'NONE' && (state.providerId === userId || state.patientId === userId);
}

/**
 * Runs one call command through the decider: the shared path of every call use case. It adds
 * what the decider must not know about: the clock, event ids, visibility and metrics.
 */
@Injectable()
export class CallLedger {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(COMMAND_METRICS) private readonly metrics: CommandMetrics,
  ) {}

  async execute<T extends CallCommandType>(
    callId: string,
    type: T,
    data: CallCommandData<T>,
    actor: Actor,
    envelope: CommandEnvelope,
  ): Promise<CallCommandResult> {
    const started = performance.now();
    let outcome: CommandOutcomeLabel = 'error';
    try {
      const command = { type, data, metadata: { actor, now: this.clock.now().toISOString() } };
      const result = await handleCommand(
        this.store,
        callDecider,
        callStreamId(callId),
        command as CallCommand,
        envelope,
        {
          newEventId: () => this.ids.newId(),
          authorize: (state) => {
            if (
              actor.role !== 'system' &&
              state.status !== 'NONE' &&
              !isCallParty(state, actor.userId)
            ) {
              throw new CallNotFoundError(callId);
            }
          },
        },
      );
      outcome = result.newEvents.length > 0 ? 'accepted' : 'no_change';
      return result;
    } catch (error) {
      if (error instanceof DomainError) outcome = 'rejected';
      else if (error instanceof ApplicationError) outcome = 'conflict';
      throw error;
    } finally {
      this.metrics.recordCommand(type, outcome, (performance.now() - started) / 1000);
    }
  }

  /** The call as the ledger has it now (for idempotent replays and reads on the command side). */
  load(callId: string): Promise<LoadedAggregate<CallState>> {
    return loadAggregate(this.store, callDecider, callStreamId(callId));
  }
}
