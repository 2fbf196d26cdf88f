export const SESSION_STORE = Symbol('SESSION_STORE');

/** Why a session ended before its time. */
export type SessionEndReason = 'logout' | 'refresh_reuse' | 'deactivated';

export interface OpenedSession {
  readonly sessionId: string;
  /** Opaque and random; only its hash is kept. */
  readonly refreshToken: string;
}

/** What presenting a refresh token led to. */
export type RefreshOutcome =
  /** It was the session's current token: it is used up, and this one replaces it. */
  | {
      readonly kind: 'rotated';
      readonly sessionId: string;
      readonly userId: string;
      readonly refreshToken: string;
    }
  /**
   * It had been used before: whoever holds the family may be an attacker, so the session ends.
   * `ended` is false when the session had ended already (nothing more to revoke).
   */
  | {
      readonly kind: 'reused';
      readonly sessionId: string;
      readonly userId: string;
      readonly ended: boolean;
    }
  /** Unknown, or of a session that ended, expired, or whose user was deactivated. */
  | { readonly kind: 'invalid' };

/**
 * Login sessions and the single-use refresh tokens that keep them going. Their times are the
 * wall clock's, like the access tokens' expiry: never the ledger's (a test's) controllable clock.
 */
export interface SessionStore {
  /** A session that ends `lifetimeSeconds` from now at the latest. */
  open(userId: string, lifetimeSeconds: number): Promise<OpenedSession>;
  refresh(refreshToken: string): Promise<RefreshOutcome>;
  /** Ends the session; false when it had ended (or expired) already. */
  end(sessionId: string, reason: SessionEndReason): Promise<boolean>;
  /** Ends every live session of the user; the ids of those that ended now. */
  endAllOfUser(userId: string, reason: SessionEndReason): Promise<string[]>;
}
