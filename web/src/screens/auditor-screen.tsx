import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry, CallStateAt, CallTimeline } from '../api/contract';
import { formatDateTime } from '../components/format';
import { Notice } from '../components/notice';
import { useSession } from '../session/session';
import { auditEntryView } from './audit-entry-view';
import { integrityVerdict } from './integrity-verdict';

/**
 * The compliance view: the latest audit-log entries, and any call's timeline replayed event by
 * event with the hash chain's verdict. Opening a timeline is itself recorded in the ledger.
 */
export function AuditorScreen() {
  const { api } = useSession();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [callId, setCallId] = useState('');
  const [timeline, setTimeline] = useState<CallTimeline | null>(null);
  const [stateAt, setStateAt] = useState<CallStateAt | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<{ entries: AuditEntry[] }>('/audit/events?limit=50')
      .then((page) => setEntries(page.entries))
      .catch((failure: unknown) =>
        setError(failure instanceof Error ? failure.message : 'Loading failed.'),
      );
  }, [api]);

  const open = async (id: string) => {
    setError(null);
    setStateAt(null);
    setCallId(id);
    try {
      setTimeline(await api.get<CallTimeline>(`/audit/calls/${id}/timeline`));
    } catch (failure) {
      setTimeline(null);
      setError(failure instanceof Error ? failure.message : 'The timeline could not be loaded.');
    }
  };

  /** The call as the decider saw it right after this event (read again from the ledger). */
  const showStateAt = async (occurredAt: string) => {
    if (!timeline) return;
    try {
      setStateAt(
        await api.get<CallStateAt>(
          `/audit/calls/${timeline.callId}/state?at=${encodeURIComponent(occurredAt)}`,
        ),
      );
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The state could not be loaded.');
    }
  };

  /** The timeline as the API gave it, integrity verdict included, as a JSON file. */
  const exportTimeline = () => {
    if (!timeline) return;
    const file = new Blob([JSON.stringify(timeline, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    link.download = `call-${timeline.callId}-timeline.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void open(callId.trim());
  };

  const verdict = timeline ? integrityVerdict(timeline.integrity) : null;
  return (
    <main className="audit">
      <h1>Audit</h1>
      <form className="panel inline-form" onSubmit={onSubmit}>
        <label>
          Call id
          <input
            value={callId}
            onChange={(e) => setCallId(e.target.value)}
            required
            pattern="[0-9a-fA-F-]{36}"
          />
        </label>
        <button type="submit" className="button-primary">
          Replay timeline
        </button>
      </form>
      {error && <Notice tone="error">{error}</Notice>}
      {timeline && (
        <section className="panel" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline of call {timeline.callId}</h2>
          {verdict && <Notice tone={verdict.tone}>{verdict.text}</Notice>}
          <button type="button" className="button-secondary" onClick={exportTimeline}>
            Export timeline (JSON)
          </button>
          <ol className="timeline">
            {timeline.events.map((event) => (
              <li key={event.position}>
                <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time> ·{' '}
                <strong>{event.type}</strong> · {event.actor.role} {event.actor.userId}{' '}
                <button
                  type="button"
                  className="button-quiet"
                  onClick={() => void showStateAt(event.occurredAt)}
                  aria-label={`State after ${event.type} at ${formatDateTime(event.occurredAt)}`}
                >
                  State
                </button>
              </li>
            ))}
          </ol>
          {stateAt && (
            <section aria-labelledby="state-heading">
              <h3 id="state-heading">
                State at {formatDateTime(stateAt.at)} (revision {stateAt.revision})
              </h3>
              <pre className="state" data-testid="state-at">
                {JSON.stringify(stateAt.state, null, 2)}
              </pre>
            </section>
          )}
        </section>
      )}
      <section className="panel" aria-labelledby="log-heading">
        <h2 id="log-heading">Latest audit-log entries</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Call</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const view = auditEntryView(entry);
              return (
                <tr key={entry.position} className={view.refused ? 'refused' : undefined}>
                  <td>{formatDateTime(entry.occurredAt)}</td>
                  <td>{entry.actorRole}</td>
                  <td>{view.action}</td>
                  <td>{view.outcome}</td>
                  <td>
                    {entry.callId && (
                      <button
                        type="button"
                        className="button-quiet"
                        onClick={() => void open(entry.callId ?? '')}
                      >
                        {entry.callId.slice(0, 8)}…
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </main>
  );
}
