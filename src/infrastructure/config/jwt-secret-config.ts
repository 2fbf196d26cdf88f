import { ConfigError } from './config-error.js';
import { text, type Env } from './env-values.js';

export interface JwtSecretSetting {
  readonly secret: Uint8Array;
  /** No JWT_SECRET was set: this one lives as long as the process. */
  readonly generated: boolean;
}

export function generatedJwtSecret(): JwtSecretSetting {
  return { secret: crypto.getRandomValues(new Uint8Array(32)), generated: true };
}

/** Outside production (or with JWKS_URL, where tokens come from the identity provider) a missing secret is generated. */
export function jwtSecret(env: Env, production: boolean, jwksMode: boolean): JwtSecretSetting {
  const raw = text(env, 'JWT_SECRET');
  if (raw === undefined) {
    if (production && !jwksMode) {
      throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production (unless JWKS_URL)');
    }
    return generatedJwtSecret();
  }
  if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  return { secret: new TextEncoder().encode(raw), generated: false };
}
