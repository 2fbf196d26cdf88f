import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertMayReportQuality } from '../../../../domain/call/call.presence.js';
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
import { CommandRunner, decideWith } from '../../../command-runner.js';
import { CallCommands } from '../../call-commands.js';
import {
  RecordConnectionQualityCommand,
  type RecordConnectionQualityResult,
} from './record-connection-quality.command.js';

/**
 * Records the sample in `callquality-<callId>` and acts on it:
 *  - a JOINING participant reporting a connected peer connection becomes CONNECTED;
 *  - a sample that makes 3 of the participant's last 5 poor records CallQualityDegraded on the
 *    call (suggestion audio-only), once per bad spell (see DEGRADATION_WINDOW).
 * Who may report is the call's rule (`assertMayReportQuality`).
 */
@CommandHandler(RecordConnectionQualityCommand)
export class RecordConnectionQualityHandler implements ICommandHandler<RecordConnectionQualityCommand> {
  constructor(
    private readonly calls: CallCommands,
    private readonly runner: CommandRunner,
  ) {}

  async execute(command: RecordConnectionQualityCommand): Promise<RecordConnectionQualityResult> {
    const { callId, actor, context, report } = command;
    const { state: call } = await this.calls.load(callId);
    const participant = assertMayReportQuality(call, actor.userId, callId);

    const recorded = await this.runner.run(
      callQualityDecider,
      callQualityStreamId(callId),
      decideWith(callQualityDecider, {
        type: 'RecordQualitySample',
        data: { callId, ...report },
      }),
      actor,
      context,
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
        this.calls.execute(callId, { type: 'MarkParticipantConnected', data: {} }, actor, context),
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
          {
            type: 'RecordQualityDegradation',
            data: {
              userId: actor.userId,
              samples: window.map((entry) => ({ ...entry })),
              suggestion: 'audio-only',
            },
          },
          SYSTEM_ACTOR,
          { ...context, causationId: context.correlationId },
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
