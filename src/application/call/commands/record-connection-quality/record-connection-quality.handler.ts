import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CallAlreadyFinishedError,
  CallNotFoundError,
  CallNotJoinableError,
  ParticipantNotConnectedError,
} from '../../../../domain/call/call.errors.js';
import { isFinished, participantOf } from '../../../../domain/call/call.state.js';
import {
  callQualityDecider,
  callQualityStreamId,
} from '../../../../domain/call-quality/call-quality.decider.js';
import {
  participantQuality,
  warningRaisedByLatestSample,
} from '../../../../domain/call-quality/call-quality.state.js';
import { CONNECTED_STATES } from '../../../../domain/call-quality/call-quality.values.js';
import { SYSTEM_ACTOR } from '../../../../domain/shared/actor.js';
import { DomainError } from '../../../../domain/shared/domain-error.js';
import { handleCommand } from '../../../handle-command.js';
import { CLOCK, type Clock } from '../../../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port.js';
import { CallLedger, isCallParty } from '../../call-ledger.js';
import {
  RecordConnectionQualityCommand,
  type RecordConnectionQualityResult,
} from './record-connection-quality.command.js';

/**
 * Records the sample in `callquality-<callId>` and acts on it:
 *  - a JOINING participant reporting a connected peer connection becomes CONNECTED;
 *  - a sample that makes 3 of the participant's last 5 poor records CallQualityDegraded on the
 *    call (suggestion audio-only), once per bad spell (see DEGRADATION_WINDOW).
 * Only a participant in the room of a ringing or running call may report.
 */
@CommandHandler(RecordConnectionQualityCommand)
export class RecordConnectionQualityHandler implements ICommandHandler<RecordConnectionQualityCommand> {
  constructor(
    private readonly calls: CallLedger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: RecordConnectionQualityCommand): Promise<RecordConnectionQualityResult> {
    const { callId, actor, envelope, report } = command;
    const { state: call } = await this.calls.load(callId);
    if (call.status === 'NONE' || !isCallParty(call, actor.userId)) {
      throw new CallNotFoundError(callId);
    }
    if (isFinished(call)) throw new CallAlreadyFinishedError(callId, call.status);
    if (call.status !== 'RINGING' && call.status !== 'IN_PROGRESS') {
      throw new CallNotJoinableError(callId, call.status);
    }
    const participant = participantOf(call, actor.userId);
    if (participant?.status !== 'JOINING' && participant?.status !== 'CONNECTED') {
      throw new ParticipantNotConnectedError(actor.userId, participant?.status ?? 'INVITED');
    }

    const recorded = await handleCommand(
      this.store,
      callQualityDecider,
      callQualityStreamId(callId),
      {
        type: 'RecordQualitySample',
        data: { callId, ...report },
        metadata: { actor, now: this.clock.now().toISOString() },
      },
      envelope,
      { newEventId: () => this.ids.newId() },
    );
    const sample = recorded.newEvents[0];
    if (!sample) throw new Error('recording a quality sample produced no event');

    let connected = false;
    if (
      participant.status === 'JOINING' &&
      report.connectionState !== null &&
      CONNECTED_STATES.includes(report.connectionState)
    ) {
      connected = await this.quietly(() =>
        this.calls.execute(callId, 'MarkParticipantConnected', {}, actor, envelope),
      );
    }

    let degraded = false;
    if (
      call.status === 'IN_PROGRESS' &&
      warningRaisedByLatestSample(recorded.state, actor.userId)
    ) {
      const window = participantQuality(recorded.state, actor.userId).window;
      degraded = await this.quietly(() =>
        this.calls.execute(
          callId,
          'RecordQualityDegradation',
          {
            userId: actor.userId,
            samples: window.map((entry) => ({ ...entry })),
            suggestion: 'audio-only',
          },
          SYSTEM_ACTOR,
          { ...envelope, causationId: envelope.correlationId },
        ),
      );
    }
    return { sample: sample.data, connected, degraded };
  }

  /**
   * The follow-up commands race with the call's own life (it may end, or the participant may be
   * marked connected by a concurrent report): a broken rule then means "nothing to do".
   */
  private async quietly(run: () => Promise<{ newEvents: readonly unknown[] }>): Promise<boolean> {
    try {
      return (await run()).newEvents.length > 0;
    } catch (error) {
      if (error instanceof DomainError) return false;
      throw error;
    }
  }
}
