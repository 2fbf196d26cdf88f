import type { LedgerPosition } from './event-store.port.js';

export const READ_MODEL_PROGRESS = Symbol('READ_MODEL_PROGRESS');

/** The read models a query may wait on: calls and their details, or the audit log. */
export type ReadModelName = 'calls' | 'audit';

/** Read-your-writes: wait (bounded) until a read model has applied a ledger position. */
export interface ReadModelProgress {
  /** Resolves true once `position` is applied, false when `timeoutMs` passed first. */
  waitFor(model: ReadModelName, position: LedgerPosition, timeoutMs: number): Promise<boolean>;
}
