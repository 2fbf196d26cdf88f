import { useEffect, useState } from 'react';
import { formatDuration } from './format';

/** Time since the call was answered, ticking every second. */
export function CallTimer({ startedAt }: { startedAt: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  if (!startedAt) return null;
  const seconds = (now - new Date(startedAt).getTime()) / 1000;
  return (
    <span className="call-timer" role="timer" aria-label="Call duration">
      {formatDuration(seconds)}
    </span>
  );
}
