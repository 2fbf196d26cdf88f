import { auditEntryView } from '../../../web/src/screens/audit-entry-view.js';

describe("the auditor's view of an audit-log entry", () => {
  it('shows a refusal with the code answered, marked as refused', () => {
    expect(auditEntryView({ action: 'AccessDenied', outcome: 'denied:CALL.NOT_FOUND' })).toEqual({
      action: 'Access denied',
      outcome: 'refused (CALL.NOT_FOUND)',
      refused: true,
    });
    expect(auditEntryView({ action: 'AccessDenied', outcome: 'denied' }).outcome).toBe('refused');
  });

  it('shows a search of the audit log by the filters it used', () => {
    expect(
      auditEntryView({ action: 'AuditLogSearched', outcome: 'filters:action,callId' }),
    ).toEqual({ action: 'Audit log searched', outcome: 'by action, callId', refused: false });
    expect(auditEntryView({ action: 'AuditLogSearched', outcome: 'filters:none' }).outcome).toBe(
      'no filters',
    );
  });

  it('names an evidence export, and keeps call events as they are', () => {
    expect(auditEntryView({ action: 'CallEvidenceExported', outcome: 'granted' })).toEqual({
      action: 'Evidence exported',
      outcome: 'granted',
      refused: false,
    });
    expect(auditEntryView({ action: 'CallEnded', outcome: 'ENDED' })).toEqual({
      action: 'CallEnded',
      outcome: 'ENDED',
      refused: false,
    });
  });
});
