import { useCallback, useEffect, useState } from 'react';
import type { CallDetails, Recording } from '../api/contract';
import { formatDateTime, formatDuration, statusLabel } from '../components/format';
import { Notice } from '../components/notice';
import { routes } from '../routing/hash-route';
import { useSession } from '../session/session';

/** A recording, fetched with the session's token and played from a blob: URL. */
function RecordingPlayer({ callId, recording }: { callId: string; recording: Recording }) {
  const { api } = useSession();
  const [source, setSource] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(
    () => () => {
      if (source) URL.revokeObjectURL(source);
    },
    [source],
  );

  const load = async () => {
    setLoading(true);
    setError(null);
    try {
      const response = await api.fetch(`/webrtc/calls/${callId}/recordings/${recording.id}/media`);
      setSource(URL.createObjectURL(await response.blob()));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The recording could not be loaded.');
    } finally {
      setLoading(false);
    }
  };

  return (
    <li className="recording" data-recording-id={recording.id} data-status={recording.status}>
      <span>
        Recording of {formatDateTime(recording.startedAt)} · {formatDuration(recording.duration)} ·{' '}
        {statusLabel(recording.status)}
      </span>
      {recording.status === 'COMPLETED' &&
        (source ? (
          <video
            className="recording-video"
            src={source}
            controls
            autoPlay
            aria-label="Call recording"
            data-testid="recording-video"
          />
        ) : (
          <button
            type="button"
            className="button-secondary"
            disabled={loading}
            onClick={() => void load()}
          >
            {loading ? 'Loading…' : 'Play recording'}
          </button>
        ))}
      {recording.status === 'STOPPED' && <span className="muted"> (being saved)</span>}
      {error && <Notice tone="error">{error}</Notice>}
    </li>
  );
}

export function CallDetailsScreen({ callId }: { callId: string }) {
  const { api } = useSession();
  const [call, setCall] = useState<CallDetails | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setCall(await api.getFresh<CallDetails>(`/webrtc/calls/${callId}`));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The call could not be loaded.');
    }
  }, [api, callId]);

  useEffect(() => {
    void load();
  }, [load]);

  // A call still running, or a recording still being saved, changes soon: look again. (Only then:
  // an auditor's every read is itself recorded in the ledger.)
  const settling =
    call !== null &&
    (call.status === 'RINGING' ||
      call.status === 'IN_PROGRESS' ||
      call.recordings.some(
        (recording) => recording.status === 'RECORDING' || recording.status === 'STOPPED',
      ));
  useEffect(() => {
    if (!settling) return undefined;
    const poll = window.setInterval(() => void load(), 3000);
    return () => window.clearInterval(poll);
  }, [settling, load]);

  if (error)
    return (
      <main className="details">
        <Notice tone="error">{error}</Notice>
        <a href={routes.home}>Back to calls</a>
      </main>
    );
  if (!call) return <main className="details">Loading…</main>;
  const live = call.status === 'RINGING' || call.status === 'IN_PROGRESS';
  return (
    <main className="details">
      <h1>
        Call with {call.patientName ?? 'patient'} and {call.providerName ?? 'clinician'}
      </h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="call-status">{statusLabel(call.status)}</dd>
        <dt>Placed</dt>
        <dd>{formatDateTime(call.initiatedAt)}</dd>
        <dt>Duration</dt>
        <dd data-testid="call-duration">{formatDuration(call.duration)}</dd>
        <dt>Connection</dt>
        <dd>
          {call.quality.connectivity === 'relay'
            ? 'Relayed (TURN)'
            : call.quality.connectivity === 'p2p'
              ? 'Peer to peer'
              : '—'}
          {call.quality.avgMos !== null && ` · average MOS ${call.quality.avgMos.toFixed(2)}`}
          {call.quality.warnings > 0 && ` · ${call.quality.warnings} quality warning(s)`}
        </dd>
      </dl>
      {live && (
        <a className="button-primary" href={routes.call(call.id)}>
          Go to the call
        </a>
      )}
      <section className="panel" aria-labelledby="participants-heading">
        <h2 id="participants-heading">Participants</h2>
        <ul>
          {call.participants.map((participant) => (
            <li key={participant.userId}>
              {participant.displayName ?? participant.role} ({participant.role}) ·{' '}
              {participant.status.toLowerCase()}
              {participant.consentedToRecording ? ' · consented to recording' : ''}
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="recordings-heading">
        <h2 id="recordings-heading">Recordings</h2>
        {call.recordings.length === 0 ? (
          <p className="muted">This call was not recorded.</p>
        ) : (
          <ul className="recordings">
            {call.recordings.map((recording) => (
              <RecordingPlayer
                key={`${recording.id}-${recording.status}`}
                callId={call.id}
                recording={recording}
              />
            ))}
          </ul>
        )}
      </section>
      <a href={routes.home}>Back to calls</a>
    </main>
  );
}
