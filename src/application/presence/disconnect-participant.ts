import { randomUUID } from 'node:crypto';
import type { DisconnectReason } from '../../domain/call/call.values.js';
import { SYSTEM_ACTOR } from '../../domain/shared/actor.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { CallCommands } from '../call/call-commands.js';
import type { PresenceHolder } from '../ports/presence-leases.port.js';

/**
 * Records that a participant dropped, through the one command path. Resolves once the ledger
 * has it, or once the call's rules say there is nothing to record (they had left or dropped
 * already, or the call ended); anything else rejects, to be tried again.
 */
export async function disconnectParticipant(
  calls: CallCommands,
  { callId, userId }: PresenceHolder,
  reason: DisconnectReason,
): Promise<void> {
  try {
    await calls.execute(
      callId,
      { type: 'DisconnectParticipant', data: { userId, reason } },
      SYSTEM_ACTOR,
      { correlationId: randomUUID(), causationId: null },
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}
