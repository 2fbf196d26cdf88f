export const TIMER_STORE = Symbol('TIMER_STORE');

/**
 * What each kind of durable timer carries: written by the projection that schedules it, read by the
 * handler that fires it, so both sides agree on one shape.
 */
export interface TimerPayloads {
  readonly 'scheduled-ring': { readonly callId: string; readonly scheduledAt: string };
  readonly 'ring-timeout': { readonly callId: string; readonly ringTimeoutSeconds: number };
  readonly 'reconnect-grace': {
    readonly callId: string;
    readonly userId: string;
    readonly reconnectGraceSeconds: number;
  };
  readonly 'connection-failure': {
    readonly callId: string;
    readonly userId: string;
    readonly failedAt: string;
  };
  readonly 'recording-upload-timeout': { readonly callId: string; readonly recordingId: string };
  readonly 'recording-retention': { readonly callId: string; readonly recordingId: string };
}

export type TimerKind = keyof TimerPayloads;

interface TimerOf<Kind extends TimerKind> {
  readonly id: string;
  readonly kind: Kind;
  readonly streamId: string;
  readonly payload: TimerPayloads[Kind];
}

/** A timer to schedule: its id makes scheduling idempotent (a replayed event schedules nothing new). */
export type NewTimer<Kind extends TimerKind = TimerKind> = {
  readonly [K in Kind]: TimerOf<K> & { readonly dueAt: Date };
}[Kind];

/** A timer claimed for firing. */
export type DueTimer<Kind extends TimerKind = TimerKind> = {
  readonly [K in Kind]: TimerOf<K> & { readonly dueAt: Date; readonly attempts: number };
}[Kind];

/** Fires one kind of timer; resolves with a short outcome label stored beside it. */
export type TimerHandler<Kind extends TimerKind> = (timer: DueTimer<Kind>) => Promise<string>;

export type TimerHandlers = { readonly [K in TimerKind]: TimerHandler<K> };

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
