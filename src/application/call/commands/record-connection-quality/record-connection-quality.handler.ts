import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertMayReportQuality } from '../../../../domain/call/call.presence.js';
import type { CallState } from '../../../../domain/call/call.state.js';
import {
  callQualityDecider,
  callQualityStreamId,
} from '../../../../domain/call-quality/call-quality.decider.js';
import { QualitySampleTooFrequentError } from '../../../../domain/call-quality/call-quality.errors.js';
import {
  participantQuality,
  warningRaisedByLatestSample,
  type CallQualityState,
} from '../../../../domain/call-quality/call-quality.state.js';
import { CONNECTED_STATES } from '../../../../domain/call-quality/call-quality.values.js';
import { requireSampleDue } from '../../../../domain/call-quality/sample-budget.js';
import { SYSTEM_ACTOR } from '../../../../domain/shared/actor.js';
import { DomainError } from '../../../../domain/shared/domain-error.js';
import { CommandRunner } from '../../../command-runner.js';
import { CLOCK, type Clock } from '../../../ports/clock.port.js';
import { StreamStateCache } from '../../../stream-state-cache.js';
import { CallCommands } from '../../call-commands.js';
import {
  RecordConnectionQualityCommand,
  type RecordConnectionQualityResult,
} from './record-connection-quality.command.js';

/** Calls whose folded states are kept: far more than run at once on one instance. */
const CACHED_CALLS = 2_000;

/**
 * Records the sample in `callquality-<callId>` and acts on it:
 *  - a JOINING participant reporting a connected peer connection becomes CONNECTED;
 *  - a sample that makes 3 of the participant's last 5 poor records CallQualityDegraded on the
 *    call (suggestion audio-only), once per bad spell (see DEGRADATION_WINDOW).
 * Who may report is the call's rule (`assertMayReportQuality`); how often, the quality stream's
 * (SAMPLE_BUDGET): a report beyond it is refused and nothing is appended.
 *
 * A report costs what it adds, not what the call holds: both streams are folded once and kept
 * (StreamStateCache), and each report reads only the events appended since.
 */
@CommandHandler(RecordConnectionQualityCommand)
export class RecordConnectionQualityHandler implements ICommandHandler<RecordConnectionQualityCommand> {
  private readonly callStates = new StreamStateCache<CallState>(CACHED_CALLS);
  private readonly qualityStates = new StreamStateCache<CallQualityState>(CACHED_CALLS);

  constructor(
    private readonly calls: CallCommands,
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RecordConnectionQualityCommand): Promise<RecordConnectionQualityResult> {
    const { callId, actor, context, report, reportIntervalSeconds } = command;
    const reportsLinkUp =
      report.connectionState !== null && CONNECTED_STATES.includes(report.connectionState);
    const streamId = callQualityStreamId(callId);
    // A cached state may lag the ledger but never runs ahead of it: what it refuses, the ledger
    // would too. A flood of reports is thus refused without a read.
    const known = this.qualityStates.get(streamId);
    if (known && !reportsLinkUp) {
      requireSampleDue(
        known.state,
        actor.userId,
        this.clock.now().toISOString(),
        reportIntervalSeconds,
      );
    }

    const { state: call } = await this.calls.load(callId, this.callStates);
    const participant = assertMayReportQuality(call, actor.userId, callId);
    const linkUp = participant.status === 'JOINING' && reportsLinkUp;
    const markConnected = (): Promise<boolean> =>
      this.quietly(() =>
        this.calls.execute(callId, { type: 'MarkParticipantConnected', data: {} }, actor, context),
      );

    let recorded;
    try {
      recorded = await this.runner.run(
        callQualityDecider,
        streamId,
        (state, metadata) => {
          requireSampleDue(state, actor.userId, metadata.now, reportIntervalSeconds);
          return callQualityDecider.decide(
            { type: 'RecordQualitySample', data: { callId, ...report }, metadata },
            state,
          );
        },
        actor,
        context,
        { cache: this.qualityStates },
      );
    } catch (error) {
      // The link coming up changes the call whatever the sample budget says.
      if (linkUp && error instanceof QualitySampleTooFrequentError) await markConnected();
      throw error;
    }
    const sample = recorded.newEvents[0];
    if (!sample) throw new Error('recording a quality sample produced no event');

    const connected = linkUp ? await markConnected() : false;

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
