export const CLOCK = Symbol('CLOCK');

/** Time comes in through this port so timers and tests can control it. */
export interface Clock {
  now(): Date;
}
