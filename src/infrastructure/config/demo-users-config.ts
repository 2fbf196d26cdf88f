import { ConfigError } from './config-error.js';
import { flag, isLoopbackHost, text, type Env } from './env-values.js';

/**
 * Demo accounts (an admin among them, with a published password) only where nobody else can reach
 * them: never in production, and elsewhere on a loopback address unless DEMO_USERS=true says so.
 */
export function demoUsers(env: Env, production: boolean, host: string): boolean {
  const explicit = text(env, 'DEMO_USERS');
  if (explicit === undefined) return !production && isLoopbackHost(host);
  const on = flag(env, 'DEMO_USERS', false);
  if (on && production) {
    throw new ConfigError(
      'DEMO_USERS',
      'must not be true when NODE_ENV=production (demo accounts have a published password)',
    );
  }
  return on;
}
