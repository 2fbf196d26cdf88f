import { callDecider } from '../../../../domain/call/call.decider.js';
import { connectionFailureStands } from '../../../../domain/call/call.presence.js';
import { CONNECTION_FAILED } from '../../../../domain/call/call.values.js';
import {
  callQualityDecider,
  callQualityStreamId,
} from '../../../../domain/call-quality/call-quality.decider.js';
import { participantQuality } from '../../../../domain/call-quality/call-quality.state.js';
import { SYSTEM_ACTOR } from '../../../../domain/shared/actor.js';
import type { CommandRunner } from '../../../command-runner.js';
import type { RequestContext } from '../../../request-context.js';
import type { CallCommands } from '../../call-commands.js';

/** A participant's peer connection reported `failed`, as the connection-failure timer carries it. */
export interface ReportedConnectionFailure {
  readonly callId: string;
  readonly userId: string;
  /** When the failed report was received. */
  readonly failedAt: string;
}

/**
 * Once the reconnect grace has passed since a participant's connection was reported failed:
 * the call is marked FAILED (`connection_failed`) unless their link was reported up since, or the
 * call or their part in it has moved on (see `connectionFailureStands`). Answers the outcome.
 */
export async function failCallOnConnectionFailure(
  calls: CallCommands,
  runner: CommandRunner,
  { callId, userId, failedAt }: ReportedConnectionFailure,
  context: RequestContext,
): Promise<'failed' | 'recovered' | 'moot'> {
  const { state: quality } = await runner.load(callQualityDecider, callQualityStreamId(callId));
  const { linkUpAt } = participantQuality(quality, userId);
  const result = await calls.decide(
    callId,
    'MarkCallFailed',
    SYSTEM_ACTOR,
    context,
    (call, metadata) =>
      connectionFailureStands(call, userId, failedAt, linkUpAt)
        ? callDecider.decide(
            {
              type: 'MarkCallFailed',
              data: { reason: CONNECTION_FAILED, details: { userId } },
              metadata,
            },
            call,
          )
        : [],
  );
  if (result.newEvents.length > 0) return 'failed';
  return linkUpAt !== null && Date.parse(linkUpAt) > Date.parse(failedAt) ? 'recovered' : 'moot';
}
