/** How long before expiry a token is renewed: a minute, or a third of what is left if less. */
const LEAD_MS = 60_000;
/** After a failed refresh (network), the next try; never later than what is left halved. */
const RETRY_MS = 5_000;

/** Milliseconds from `nowMs` until the token expiring at `expiresAtMs` should be renewed. */
export function refreshDelayMs(expiresAtMs: number, nowMs: number): number {
  const left = expiresAtMs - nowMs;
  if (left <= 0) return 0;
  return left - Math.min(LEAD_MS, left / 3);
}

/** When to try again after a refresh failed for a passing reason; null once it is too late. */
export function retryDelayMs(expiresAtMs: number, nowMs: number): number | null {
  const left = expiresAtMs - nowMs;
  if (left <= 1_000) return null;
  return Math.min(RETRY_MS, left / 2);
}

/** The token's `exp` in milliseconds, read without verifying (the server verifies); 0 if none. */
export function tokenExpiresAtMs(token: string): number {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(atob(part)) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}
