import { RecordConnectionQualityCommand } from '../../../application/call/commands/record-connection-quality/record-connection-quality.command.js';
import { participantOf } from '../../../domain/call/call.state.js';
import { QualitySampleTooFrequentError } from '../../../domain/call-quality/call-quality.errors.js';
import { ConnectionQualityPayload, UpdateMediaPayload } from '../payloads/signaling.payloads.js';
import { SignalError } from '../signal-error.js';
import { defineHandler, requireInCall } from './signal-handler.js';

/** update-media {callId, video?, audio?, screenShare?}: at least one flag. */
export const updateMedia = defineHandler({
  payload: UpdateMediaPayload,
  async handle(context, { callId, video, audio, screenShare }) {
    requireInCall(context.socket, callId);
    if (video === undefined && audio === undefined && screenShare === undefined) {
      throw new SignalError(
        'SIGNAL.INVALID_PAYLOAD',
        'update-media needs at least one of video, audio, screenShare',
      );
    }
    const result = await context.calls.execute(
      callId,
      {
        type: 'UpdateMedia',
        data: {
          ...(video !== undefined ? { video } : {}),
          ...(audio !== undefined ? { audio } : {}),
          ...(screenShare !== undefined ? { screenShare } : {}),
        },
      },
      context.actor,
      context.requestContext(),
    );
    const media =
      result.state.status === 'NONE'
        ? null
        : (participantOf(result.state, context.actor.userId)?.media ?? null);
    return { ok: true, callId, media };
  },
});

/** connection-quality {callId, rttMs, jitterMs, packetLossPct, bitrateKbps?, candidateType?, connectionState?} */
export const connectionQuality = defineHandler({
  payload: ConnectionQualityPayload,
  async handle(context, payload) {
    requireInCall(context.socket, payload.callId);
    await context.limits.take('qualityReports', context.actor.userId, 'SIGNAL.RATE_LIMITED');
    const result = await context.commands
      .execute(
        new RecordConnectionQualityCommand(
          payload.callId,
          context.actor,
          context.requestContext(),
          {
            rttMs: payload.rttMs,
            jitterMs: payload.jitterMs,
            packetLossPct: payload.packetLossPct,
            bitrateKbps: payload.bitrateKbps ?? null,
            candidateType: payload.candidateType ?? null,
            connectionState: payload.connectionState ?? null,
          },
          context.qualityReportIntervalSeconds,
        ),
      )
      .catch((error: unknown) => {
        if (!(error instanceof QualitySampleTooFrequentError)) throw error;
        throw new SignalError(
          'SIGNAL.RATE_LIMITED',
          `Connection quality is kept once every ${context.qualityReportIntervalSeconds} s`,
        );
      });
    context.quality.heardFrom(context.socket, payload.callId);
    return {
      ok: true,
      callId: payload.callId,
      mos: result.sample.mos,
      poor: result.sample.poor,
      connected: result.connected,
      degraded: result.degraded,
    };
  },
});
