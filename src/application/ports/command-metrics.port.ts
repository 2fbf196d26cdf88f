export const COMMAND_METRICS = Symbol('COMMAND_METRICS');

export type CommandOutcomeLabel = 'accepted' | 'no_change' | 'rejected' | 'conflict' | 'error';

/** Counters and timings the operator watches; adapters decide how to expose them. */
export interface CommandMetrics {
  recordCommand(commandType: string, outcome: CommandOutcomeLabel, seconds: number): void;
}
