import type { AuditEntry } from '../api/contract';

export interface AuditEntryView {
  readonly action: string;
  readonly outcome: string;
  /** A refused read or command: shown apart, so probing stands out. */
  readonly refused: boolean;
}

/** Names of the ledger's own audit events, as an auditor reads them. */
const ACTION_NAMES: Readonly<Record<string, string>> = {
  AccessDenied: 'Access denied',
  AuditLogSearched: 'Audit log searched',
  CallEvidenceExported: 'Evidence exported',
};

/** One audit-log entry as the auditor's table shows it; call events keep their type name. */
export function auditEntryView(entry: Pick<AuditEntry, 'action' | 'outcome'>): AuditEntryView {
  const action = ACTION_NAMES[entry.action] ?? entry.action;
  if (entry.action === 'AccessDenied') {
    const code = entry.outcome.startsWith('denied:') ? entry.outcome.slice('denied:'.length) : '';
    return { action, outcome: code ? `refused (${code})` : 'refused', refused: true };
  }
  if (entry.action === 'AuditLogSearched' && entry.outcome.startsWith('filters:')) {
    const names = entry.outcome.slice('filters:'.length);
    return {
      action,
      outcome: names === 'none' ? 'no filters' : `by ${names.split(',').join(', ')}`,
      refused: false,
    };
  }
  return { action, outcome: entry.outcome, refused: false };
}
