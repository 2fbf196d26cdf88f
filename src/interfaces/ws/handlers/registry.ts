import { joinCall, leaveCall, reconnectCall } from './call-room.handlers.js';
import { connectionQuality, updateMedia } from './media-quality.handlers.js';
import { answer, iceCandidate, offer } from './relay.handlers.js';
import type { AnySignalHandler } from './signal-handler.js';
import { refreshToken } from './token.handlers.js';

/** Every client -> server event of the /webrtc namespace, each with its one handler. */
export const SIGNAL_HANDLERS: ReadonlyMap<string, AnySignalHandler> = new Map([
  ['join-call', joinCall],
  ['leave-call', leaveCall],
  ['reconnect-call', reconnectCall],
  ['offer', offer],
  ['answer', answer],
  ['ice-candidate', iceCandidate],
  ['update-media', updateMedia],
  ['connection-quality', connectionQuality],
  ['refresh-token', refreshToken],
]);
