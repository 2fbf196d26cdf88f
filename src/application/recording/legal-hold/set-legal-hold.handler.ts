import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { callDecider, callStreamId } from '../../../domain/call/call.decider.js';
import type { CallCommand } from '../../../domain/call/call.commands.js';
import { CallNotFoundError } from '../../../domain/call/call.errors.js';
import { handleCommand } from '../../handle-command.js';
import type { CallCommandResult } from '../../call/call-command.result.js';
import { CLOCK, type Clock } from '../../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port.js';
import { SetLegalHoldCommand } from './set-legal-hold.command.js';

/**
 * Admins are not parties to the calls they hold, so this runs the load -> decide -> append cycle
 * itself instead of through CallLedger (which hides calls from non-parties); the decider refuses
 * everyone but admins.
 */
@CommandHandler(SetLegalHoldCommand)
export class SetLegalHoldHandler implements ICommandHandler<SetLegalHoldCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute(command: SetLegalHoldCommand): Promise<CallCommandResult> {
    const callCommand: CallCommand = {
      type: command.hold ? 'SetRecordingLegalHold' : 'ReleaseRecordingLegalHold',
      data: { recordingId: command.recordingId },
      metadata: { actor: command.actor, now: this.clock.now().toISOString() },
    };
    return handleCommand(
      this.store,
      callDecider,
      callStreamId(command.callId),
      callCommand,
      command.envelope,
      {
        newEventId: () => this.ids.newId(),
        authorize: (state) => {
          if (state.status === 'NONE') throw new CallNotFoundError(command.callId);
        },
      },
    );
  }
}
