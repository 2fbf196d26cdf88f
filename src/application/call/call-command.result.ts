import type { LedgerPosition } from '../ports/event-store.port.js';
import type { CallState } from '../../domain/call/call.state.js';
import type { CallEvent } from '../../domain/call/call.events.js';

/** What every call command answers: the call as the ledger now has it, and where. */
export interface CallCommandResult {
  readonly state: CallState;
  readonly newEvents: readonly CallEvent[];
  readonly revision: number;
  readonly position: LedgerPosition | null;
}
