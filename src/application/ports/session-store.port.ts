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

/** Login sessions and the single-use refresh tokens that keep them going. */
export interface SessionStore {
  open(userId: string, now: Date, expiresAt: Date): Promise<OpenedSession>;
  refresh(refreshToken: string, now: Date): Promise<RefreshOutcome>;
  /** Ends the session; false when it had ended already. */
  end(sessionId: string, reason: SessionEndReason, now: Date): Promise<boolean>;
  /** Ends every live session of the user; the ids of those that ended now. */
  endAllOfUser(userId: string, reason: SessionEndReason, now: Date): Promise<string[]>;
}
