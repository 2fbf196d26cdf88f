import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSession, useUser } from '../session/session';
import { CallSession, type CallView } from './call-session';

/**
 * The live call of this screen: started on mount, left (devices released) on unmount. The screen
 * is keyed by call id, so one screen has one session for its whole life.
 */
export function useCallSession(callId: string): { session: CallSession; view: CallView } | null {
  const { api, signaling } = useSession();
  const user = useUser();
  const [session] = useState(() =>
    signaling ? new CallSession(callId, user, api, signaling) : null,
  );

  useEffect(() => {
    if (!session) return undefined;
    void session.start();
    return () => session.dispose();
  }, [session]);

  const view = useSyncExternalStore(
    session?.subscribe ?? (() => () => undefined),
    () => session?.getView() ?? null,
  );
  return session && view ? { session, view } : null;
}
