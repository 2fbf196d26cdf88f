import type { CallSummary } from '../api/contract';
import { routes } from '../routing/hash-route';
import { formatDateTime, formatDuration, statusLabel } from './format';

/** Calls as a list: who, when, how it went, how long, whether it was recorded. */
export function CallHistory({
  title,
  calls,
  viewer,
  emptyText,
}: {
  title: string;
  calls: readonly CallSummary[];
  viewer: 'provider' | 'patient';
  emptyText: string;
}) {
  const headingId = `history-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>{title}</h2>
      {calls.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <ul className="call-list">
          {calls.map((call) => (
            <li key={call.id} className="call-row" data-call-id={call.id} data-status={call.status}>
              <a href={routes.details(call.id)} className="call-row-link">
                <span className="call-row-who">
                  {viewer === 'provider'
                    ? (call.patientName ?? 'Patient')
                    : (call.providerName ?? 'Clinician')}
                </span>
                <span className="call-row-when">{formatDateTime(call.initiatedAt)}</span>
                <span className={`badge status-${call.status.toLowerCase()}`}>
                  {statusLabel(call.status)}
                </span>
                <span className="call-row-duration" aria-label="Duration">
                  {formatDuration(call.duration)}
                </span>
                {call.recordingCount > 0 && (
                  <span className="badge badge-recording" title="This call was recorded">
                    ● Recorded
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
