import type { UserRole } from '../../domain/shared/actor.js';

export const TOKEN_ISSUER = Symbol('TOKEN_ISSUER');

export interface TokenClaims {
  readonly userId: string;
  readonly role: UserRole;
  /** The login session the token belongs to; null for tokens of an identity provider. */
  readonly sessionId: string | null;
}

/** What a valid access token says, and until when. */
export interface VerifiedToken extends TokenClaims {
  readonly expiresAt: Date;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

/** What this service signs: every token it issues belongs to a login session. */
export interface SessionTokenClaims extends TokenClaims {
  readonly sessionId: string;
}

export interface TokenIssuer {
  issue(claims: SessionTokenClaims): Promise<IssuedToken>;
  /**
   * Throws `InvalidTokenError` when the token is missing, forged, expired or malformed, and when a
   * token this service signed names no session.
   */
  verify(token: string): Promise<VerifiedToken>;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}
