import { useCallback, useEffect, useState } from 'react';
import type {
  CallCommandResponse,
  CallHistory as History,
  PatientDirectory,
} from '../api/contract';
import { CallHistory } from '../components/call-history';
import { isToday } from '../components/format';
import { Notice } from '../components/notice';
import { navigate, routes } from '../routing/hash-route';
import { useSession } from '../session/session';
import { useCallListRefresh } from './use-call-list-refresh';

/** Today's and past calls, and "Call a patient". */
export function ClinicianHome() {
  const { api } = useSession();
  const [history, setHistory] = useState<History | null>(null);
  const [patients, setPatients] = useState<PatientDirectory['patients']>([]);
  const [error, setError] = useState<string | null>(null);
  const [calling, setCalling] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [calls, directory] = await Promise.all([
        api.getFresh<History>('/webrtc/calls?limit=50'),
        api.get<PatientDirectory>('/directory/patients?limit=100'),
      ]);
      setHistory(calls);
      setPatients(directory.patients);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Loading failed.');
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);
  useCallListRefresh(load);

  const call = async (patientId: string) => {
    setCalling(patientId);
    setError(null);
    try {
      const created = await api.post<CallCommandResponse>(
        '/webrtc/calls',
        { patientId, type: 'VIDEO', recordingEnabled: true },
        { 'Idempotency-Key': crypto.randomUUID() },
      );
      navigate(routes.call(created.id));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The call could not be placed.');
      setCalling(null);
    }
  };

  const calls = history?.calls ?? [];
  const live = calls.filter(
    (entry) => entry.status === 'RINGING' || entry.status === 'IN_PROGRESS',
  );
  return (
    <main className="home">
      {error && (
        <Notice tone="error" onDismiss={() => setError(null)}>
          {error}
        </Notice>
      )}
      {live.length > 0 && (
        <section className="panel" aria-labelledby="live-heading">
          <h2 id="live-heading">Calls in progress</h2>
          <ul className="call-list">
            {live.map((entry) => (
              <li key={entry.id}>
                <a className="button-primary" href={routes.call(entry.id)}>
                  Return to call with {entry.patientName ?? 'patient'}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="panel" aria-labelledby="patients-heading">
        <h2 id="patients-heading">Call a patient</h2>
        {patients.length === 0 ? (
          <p className="muted">No patients yet.</p>
        ) : (
          <ul className="patient-list">
            {patients.map((patient) => (
              <li key={patient.id}>
                <span>{patient.displayName}</span>
                <button
                  type="button"
                  className="button-primary"
                  disabled={calling !== null}
                  onClick={() => void call(patient.id)}
                  aria-label={`Video call ${patient.displayName}`}
                >
                  {calling === patient.id ? 'Calling…' : 'Video call'}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <CallHistory
        title="Today’s calls"
        viewer="provider"
        calls={calls.filter((entry) => isToday(entry.initiatedAt))}
        emptyText="No calls today."
      />
      <CallHistory
        title="Past calls"
        viewer="provider"
        calls={calls.filter((entry) => !isToday(entry.initiatedAt))}
        emptyText="No earlier calls."
      />
    </main>
  );
}
