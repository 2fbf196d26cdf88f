export const CALL_POLICY = Symbol('CALL_POLICY');

/** The configurable rules of the call lifecycle, injected into the use cases that need them. */
export interface CallPolicy {
  readonly patientsMayInitiate: boolean;
  readonly ringTimeoutSeconds: number;
  readonly reconnectGraceSeconds: number;
}
