import { ConfigError } from './config-error.js';
import { isLoopbackHost, listEntries, text, url, type Env } from './env-values.js';

export const IDENTITY_PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type IdentityProviderAlgorithm = (typeof IDENTITY_PROVIDER_ALGORITHMS)[number];

export interface IdentityProviderConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** A non-empty subset of IDENTITY_PROVIDER_ALGORITHMS; nothing else is ever accepted. */
  readonly algorithms: readonly IdentityProviderAlgorithm[];
  /** The claim holding the role, a dotted path into nested objects (`realm_access.role`). */
  readonly roleClaim: string;
}

/** With JWKS_URL, how tokens of the identity provider are checked; null without it. */
export function identityProvider(env: Env): IdentityProviderConfig | null {
  const jwksUrl = url(env, 'JWKS_URL', ['https:', 'http:']);
  if (jwksUrl === undefined) return null;
  const parsed = new URL(jwksUrl);
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigError('JWKS_URL', 'must use https: (http: only on a loopback address)');
  }
  const issuer = text(env, 'JWT_ISSUER');
  const audience = text(env, 'JWT_AUDIENCE');
  if (issuer === undefined || audience === undefined) {
    const missing = [
      issuer === undefined ? 'JWT_ISSUER' : null,
      audience === undefined ? 'JWT_AUDIENCE' : null,
    ]
      .filter((name) => name !== null)
      .join(' and ');
    throw new ConfigError(
      missing,
      `${missing.includes(' and ') ? 'are' : 'is'} required with JWKS_URL`,
    );
  }
  const algorithms = listEntries(
    text(env, 'JWT_ALGORITHMS') ?? IDENTITY_PROVIDER_ALGORITHMS.join(','),
  );
  for (const algorithm of algorithms) {
    if (!(IDENTITY_PROVIDER_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new ConfigError(
        'JWT_ALGORITHMS',
        `may list only ${IDENTITY_PROVIDER_ALGORITHMS.join(', ')}, got "${algorithm}"`,
      );
    }
  }
  if (algorithms.length === 0) {
    throw new ConfigError('JWT_ALGORITHMS', 'must name at least one algorithm');
  }
  const roleClaim = text(env, 'JWT_ROLE_CLAIM') ?? 'role';
  if (!/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/.test(roleClaim) || roleClaim.length > 200) {
    throw new ConfigError('JWT_ROLE_CLAIM', 'must be a claim name or a dotted path of claim names');
  }
  return {
    jwksUrl,
    issuer,
    audience,
    algorithms: [...new Set(algorithms)] as IdentityProviderAlgorithm[],
    roleClaim,
  };
}
