/**
 * Negotiation tracing for support and tests: on when localStorage has `vytalwatch.debug` = "1".
 * It prints event names and connection states only, never names, SDP or addresses.
 */
const enabled = (() => {
  try {
    return localStorage.getItem('vytalwatch.debug') === '1';
  } catch {
    return false;
  }
})();

export function traceCall(message: string, ...details: unknown[]): void {
  if (enabled)
    console.debug(`[call] ${message}`, ...details.map((detail) => JSON.stringify(detail)));
}
