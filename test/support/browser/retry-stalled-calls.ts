/**
 * Chromium can stall the polite peer's ICE gathering for good when it rolls back its own offer
 * just as gathering began (seen in negotiation traces). The client no longer makes both sides
 * offer at once, so that no longer happens in routine calls; should such a stall come back, a
 * failed test that places calls gets one more try and the log says so (LOGGING RETRY ERRORS).
 */
export function retryStalledCallsOnce(): void {
  jest.retryTimes(1, { logErrorsBeforeRetry: true });
}
