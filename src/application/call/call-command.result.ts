import type { CallState } from '../../domain/call/call.state.js';
import type { CallEvent } from '../../domain/call/call.events.js';
import type { CommandOutcome } from '../command-runner.js';

/** What every call command answers: the call as the ledger now has it, and where. */
export type CallCommandResult = CommandOutcome<CallState, CallEvent>;
