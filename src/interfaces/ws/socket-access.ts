import {
  InvalidTokenError,
  type TokenIssuer,
  type VerifiedToken,
} from '../../application/ports/token-issuer.port.js';
import type { SessionStatus } from '../../application/ports/session-status.port.js';
import { SignalError } from './signal-error.js';

/** A token a signaling socket may use: a provider's or a patient's. */
export type SocketToken = VerifiedToken & { readonly role: 'provider' | 'patient' };

/**
 * Decides whether an access token may open a signaling socket, or keep one open as its new
 * token. Both ask the same: valid and unexpired, a role that takes part in calls, and a login
 * session (when the token names one) that has not ended.
 */
export class SocketAccess {
  constructor(
    private readonly tokens: TokenIssuer,
    /** Absent when no session store is wired: tokens then stand until they expire. */
    private readonly sessions: SessionStatus | null,
  ) {}

  async admit(token: string): Promise<SocketToken> {
    let claims: VerifiedToken;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw new SignalError('AUTH.TOKEN_INVALID', 'The access token is invalid or has expired');
      }
      throw error;
    }
    if (claims.role !== 'provider' && claims.role !== 'patient') {
      throw new SignalError(
        'AUTH.ROLE_FORBIDDEN',
        `The ${claims.role} role takes no part in calls; only providers and patients connect here`,
      );
    }
    if (
      claims.sessionId !== null &&
      this.sessions &&
      !(await this.sessions.isActive(claims.sessionId, claims.userId))
    ) {
      throw new SignalError('AUTH.SESSION_ENDED', 'This login session has ended; log in again');
    }
    return claims as SocketToken;
  }

  /**
   * The token that replaces the one a socket holds. It must name the same user (and role); it
   * may belong to another login session of that user (a login on another tab, say) as long as
   * that session is active, since whoever holds it could open a socket with it anyway.
   */
  async renew(current: { userId: string; role: string }, token: string): Promise<SocketToken> {
    const next = await this.admit(token);
    if (next.userId !== current.userId || next.role !== current.role) {
      throw new SignalError(
        'AUTH.TOKEN_MISMATCH',
        'The new token is for another user; a connection keeps the user it was opened for',
      );
    }
    return next;
  }
}
