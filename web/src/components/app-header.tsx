import { useEffect, useState } from 'react';
import { routes } from '../routing/hash-route';
import { useSession, useUser } from '../session/session';
import { Notice } from './notice';

const ROLE_LABELS: Record<string, string> = {
  provider: 'Clinician',
  patient: 'Patient',
  auditor: 'Compliance auditor',
  analyst: 'Analyst',
  admin: 'Administrator',
};

/** Who is logged in, the way home and out, and whether the network is there. */
export function AppHeader() {
  const { logout, signaling } = useSession();
  const user = useUser();
  const [online, setOnline] = useState(() => navigator.onLine);
  const [signalingOnline, setSignalingOnline] = useState(true);

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  useEffect(() => signaling?.onConnection(setSignalingOnline), [signaling]);

  return (
    <>
      <header className="app-header">
        <a className="brand" href={routes.home}>
          VytalWatch
        </a>
        <span className="who">
          <span className="who-name">{user.displayName}</span>
          <span className="who-role">{ROLE_LABELS[user.role] ?? user.role}</span>
        </span>
        <button type="button" className="button-quiet" onClick={logout}>
          Log out
        </button>
      </header>
      {(!online || !signalingOnline) && (
        <Notice tone="warning">
          {online
            ? 'Connection to VytalWatch lost. Reconnecting…'
            : 'Network connection lost. Calls resume when you are back online.'}
        </Notice>
      )}
    </>
  );
}
