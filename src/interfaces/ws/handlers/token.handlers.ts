import { RefreshTokenPayload } from '../payloads/signaling.payloads.js';
import { defineHandler } from './signal-handler.js';

/**
 * refresh-token {token}: the connection goes on with a newer access token of the same user, so a
 * call outlasts the token it started with. The ack says until when; a refused token leaves the
 * old one (and its expiry) in place.
 */
export const refreshToken = defineHandler({
  payload: RefreshTokenPayload,
  async handle(context, { token }) {
    const expiresAt = await context.renewToken(token);
    return { ok: true, expiresAt: expiresAt.toISOString() };
  },
});
