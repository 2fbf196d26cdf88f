import type { TimelineIntegrity } from '../api/contract';

export interface IntegrityVerdict {
  readonly tone: 'info' | 'warning' | 'error';
  readonly text: string;
}

/** What an auditor reads first about a call's timeline: may it be relied on, and how far. */
export function integrityVerdict(integrity: TimelineIntegrity): IntegrityVerdict {
  const { checkpoint } = integrity;
  switch (integrity.status) {
    case 'verified':
      return {
        tone: 'info',
        text: `Integrity verified: ${integrity.checkedEvents} events, hash chain intact, every event in the signed checkpoint of ${checkpoint?.treeSize ?? 0} ledger events.`,
      };
    case 'not_yet_checkpointed':
      return {
        tone: 'warning',
        text: `Hash chain intact (${integrity.checkedEvents} events); ${checkpoint?.notYetCheckpointed ?? integrity.checkedEvents} not yet in a signed checkpoint. Replay again in a few seconds.`,
      };
    case 'failed':
      return {
        tone: 'error',
        text: `Integrity check FAILED: ${integrity.problem ?? `at ${String(integrity.brokenAt)}`}.`,
      };
  }
}
