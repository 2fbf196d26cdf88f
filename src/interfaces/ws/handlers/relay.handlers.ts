import {
  AnswerPayload,
  IceCandidatePayload,
  OfferPayload,
} from '../payloads/signaling.payloads.js';
import { callUserRoom } from '../rooms.js';
import { OK, SignalError } from '../signal-error.js';
import { defineHandler, requireInCall, type SignalContext } from './signal-handler.js';

/**
 * offer / answer / ice-candidate go to the named participant's socket in the same call and
 * nowhere else, with `from` stamped by the server (a client-sent `from` is refused as an unknown
 * field). They are transport chatter: never stored, never logged.
 */
function deliver(
  context: SignalContext,
  event: 'offer' | 'answer' | 'ice-candidate',
  payload: { callId: string; to: string },
  body: Record<string, unknown>,
): void {
  const { callId, to } = payload;
  const membership = requireInCall(context.socket, callId);
  const self = context.actor.userId;
  if (to === self || (to !== membership.providerId && to !== membership.patientId)) {
    throw new SignalError(
      'SIGNAL.UNKNOWN_RECIPIENT',
      `"to" must be the other participant of call ${callId}`,
    );
  }
  context.socket.to(callUserRoom(callId, to)).emit(event, { callId, from: self, ...body });
}

export const offer = defineHandler({
  payload: OfferPayload,
  handle(context, payload) {
    deliver(context, 'offer', payload, { sdp: { type: payload.sdp.type, sdp: payload.sdp.sdp } });
    return OK;
  },
});

export const answer = defineHandler({
  payload: AnswerPayload,
  handle(context, payload) {
    deliver(context, 'answer', payload, { sdp: { type: payload.sdp.type, sdp: payload.sdp.sdp } });
    return OK;
  },
});

export const iceCandidate = defineHandler({
  payload: IceCandidatePayload,
  handle(context, payload) {
    const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = payload.candidate;
    deliver(context, 'ice-candidate', payload, {
      candidate: {
        candidate,
        ...(sdpMid !== undefined ? { sdpMid } : {}),
        ...(sdpMLineIndex !== undefined ? { sdpMLineIndex } : {}),
        ...(usernameFragment !== undefined ? { usernameFragment } : {}),
      },
    });
    return OK;
  },
});
