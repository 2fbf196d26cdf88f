import { useEffect } from 'react';
import type { ServerEventName } from '../api/signaling-contract';
import { useSession } from '../session/session';

const CALL_LIST_EVENTS = [
  'incoming-call',
  'call-answered',
  'call-ended',
  'call-cancelled',
  'recording-stopped',
] as const satisfies readonly ServerEventName[];
const POLL_MS = 15_000;

/**
 * Reloads a list of calls when the ledger says something changed (a little later, so the read
 * models have caught up), and now and then in case a notification was missed while offline.
 */
export function useCallListRefresh(reload: () => Promise<void>): void {
  const { signaling } = useSession();
  useEffect(() => {
    let pending: number | undefined;
    const soon = () => {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => void reload(), 300);
    };
    const stops = CALL_LIST_EVENTS.map((event) => signaling?.on(event, soon));
    const poll = window.setInterval(() => void reload(), POLL_MS);
    return () => {
      window.clearTimeout(pending);
      window.clearInterval(poll);
      for (const stop of stops) stop?.();
    };
  }, [signaling, reload]);
}
