import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { USER_ROLES, type UserRole } from '../../domain/shared/actor.js';
import {
  InvalidTokenError,
  type VerifiedToken,
} from '../../application/ports/token-issuer.port.js';
import type { IdentityProviderConfig } from '../config/identity-provider-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tokens of an external identity provider, checked against its JWKS: signed with one of the
 * pinned asymmetric algorithms, by its issuer, for our audience, within their validity. The role
 * comes from a configured claim and must be one of ours. Such tokens belong to no login session
 * of ours, so they carry no session id.
 */
export class IdentityProviderTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: IdentityProviderConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...this.config.algorithms],
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw new InvalidTokenError(
        error instanceof errors.JWTExpired
          ? 'The access token has expired'
          : 'The access token is invalid',
      );
    }
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
      throw new InvalidTokenError('The access token names no valid user');
    }
    if (typeof payload.exp !== 'number') {
      throw new InvalidTokenError('The access token has no expiry');
    }
    return {
      userId: payload.sub,
      role: this.roleOf(payload),
      sessionId: null,
      expiresAt: new Date(payload.exp * 1000),
    };
  }

  /** The claim's value: one of our roles, or a list holding exactly one of them. */
  private roleOf(payload: JWTPayload): UserRole {
    let value: unknown = payload;
    for (const name of this.config.roleClaim.split('.')) {
      value =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
    }
    const known = (candidate: unknown): candidate is UserRole =>
      typeof candidate === 'string' && (USER_ROLES as readonly string[]).includes(candidate);
    if (known(value)) return value;
    if (Array.isArray(value)) {
      const roles = [...new Set(value.filter(known))];
      if (roles.length === 1 && roles[0] !== undefined) return roles[0];
    }
    throw new InvalidTokenError('The access token names no valid role');
  }
}
