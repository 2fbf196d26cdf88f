import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { USER_ROLES, type UserRole } from '../../domain/shared/actor.js';
import {
  InvalidTokenError,
  type IssuedToken,
  type SessionTokenClaims,
  type TokenIssuer,
  type VerifiedToken,
} from '../../application/ports/token-issuer.port.js';
import type { IdentityProviderConfig } from '../config/identity-provider-config.js';
import { IdentityProviderTokenVerifier } from './identity-provider-token-verifier.js';

const ISSUER = 'vytalwatch-call-ledger';
const AUDIENCE = 'vytalwatch';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface JoseTokenIssuerOptions {
  readonly secret: Uint8Array;
  readonly ttlSeconds: number;
  /** When set, tokens are verified against its JWKS (an external identity provider) instead. */
  readonly identityProvider: IdentityProviderConfig | null;
}

/** HS256 tokens signed here, or tokens of an external provider verified through its JWKS. */
export class JoseTokenIssuer implements TokenIssuer {
  private readonly identityProvider: IdentityProviderTokenVerifier | null;

  constructor(private readonly options: JoseTokenIssuerOptions) {
    this.identityProvider = options.identityProvider
      ? new IdentityProviderTokenVerifier(options.identityProvider)
      : null;
  }

  async issue(claims: SessionTokenClaims): Promise<IssuedToken> {
    const accessToken = await new SignJWT({ role: claims.role, sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .sign(this.options.secret);
    return { accessToken, expiresInSeconds: this.options.ttlSeconds };
  }

  async verify(token: string): Promise<VerifiedToken> {
    if (this.identityProvider) return this.identityProvider.verify(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.options.secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      }));
    } catch (error) {
      throw new InvalidTokenError(
        error instanceof errors.JWTExpired
          ? 'The access token has expired'
          : 'The access token is invalid',
      );
    }
    const role = payload['role'];
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
      throw new InvalidTokenError('The access token names no valid user');
    }
    if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) {
      throw new InvalidTokenError('The access token names no valid role');
    }
    const sessionId = payload['sid'];
    if (sessionId !== undefined && (typeof sessionId !== 'string' || !UUID.test(sessionId))) {
      throw new InvalidTokenError('The access token names no valid session');
    }
    // Every token signed here belongs to a session, so that logging out can end it.
    if (sessionId === undefined) {
      throw new InvalidTokenError('The access token belongs to no session; log in again');
    }
    if (typeof payload.exp !== 'number') {
      throw new InvalidTokenError('The access token has no expiry');
    }
    return {
      userId: payload.sub,
      role: role as UserRole,
      sessionId: sessionId ?? null,
      expiresAt: new Date(payload.exp * 1000),
    };
  }
}
