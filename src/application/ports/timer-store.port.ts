export const TIMER_STORE = Symbol('TIMER_STORE');

export type TimerKind =
  'ring-timeout' | 'reconnect-grace' | 'recording-upload-timeout' | 'recording-retention';

export interface DueTimer {
  readonly id: string;
  readonly kind: TimerKind;
  readonly streamId: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly dueAt: Date;
  readonly attempts: number;
}

/**
 * Timers that survive restarts. `claimDue` leases timers so that, with several instances, each
 * fires on one of them; a lease that runs out (crash mid-fire) lets another instance retry.
 */
export interface TimerStore {
  claimDue(now: Date, limit: number, leaseSeconds: number): Promise<DueTimer[]>;
  complete(id: string, outcome: string): Promise<void>;
  /** The earliest pending due time, to sleep exactly until it. */
  nextDueAt(): Promise<Date | null>;
}
