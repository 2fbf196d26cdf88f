import { useEffect, useState } from 'react';
import type { CallStatistics } from '../api/contract';
import { formatDuration, statusLabel } from '../components/format';
import { Notice } from '../components/notice';
import { useSession } from '../session/session';

const percent = (value: number | null): string =>
  value === null ? '—' : `${Math.round(value * 1000) / 10} %`;
const number = (value: number | null, unit = ''): string =>
  value === null ? '—' : `${Math.round(value * 10) / 10}${unit}`;

/** Aggregates only (no patient identifiers): volumes, outcomes, durations, quality, P2P vs TURN. */
export function AnalystScreen() {
  const { api } = useSession();
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<CallStatistics | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    api
      .get<CallStatistics>(`/webrtc/stats?from=${from.toISOString()}&to=${to.toISOString()}`)
      .then(setStats)
      .catch((failure: unknown) =>
        setError(failure instanceof Error ? failure.message : 'Loading failed.'),
      );
  }, [api, days]);

  return (
    <main className="stats">
      <h1>Call statistics</h1>
      <label>
        Period{' '}
        <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
          <option value={1}>Last 24 hours</option>
          <option value={7}>Last 7 days</option>
          <option value={30}>Last 30 days</option>
          <option value={365}>Last year</option>
        </select>
      </label>
      {error && <Notice tone="error">{error}</Notice>}
      {stats && (
        <div className="stat-grid">
          <section className="panel" aria-labelledby="volume-heading">
            <h2 id="volume-heading">Volume</h2>
            <p className="stat-figure">{stats.totals.calls} calls</p>
            <ul>
              {Object.entries(stats.totals.byStatus).map(([status, count]) => (
                <li key={status}>
                  {statusLabel(status)}: {count}
                </li>
              ))}
            </ul>
            <p>Success rate {percent(stats.successRate)}</p>
          </section>
          <section className="panel" aria-labelledby="duration-heading">
            <h2 id="duration-heading">Duration</h2>
            <p>Average {formatDuration(stats.averageDurationSeconds)}</p>
            <p>Median {formatDuration(stats.medianDurationSeconds)}</p>
          </section>
          <section className="panel" aria-labelledby="quality-heading">
            <h2 id="quality-heading">Quality</h2>
            <p>MOS {number(stats.quality.avgMos)}</p>
            <p>
              RTT {number(stats.quality.avgRttMs, ' ms')} · jitter{' '}
              {number(stats.quality.avgJitterMs, ' ms')}
            </p>
            <p>Packet loss {number(stats.quality.avgPacketLossPct, ' %')}</p>
          </section>
          <section className="panel" aria-labelledby="connectivity-heading">
            <h2 id="connectivity-heading">Connectivity</h2>
            <p>
              Peer to peer {stats.connectivity.p2p} · relayed {stats.connectivity.relay} (
              {percent(stats.connectivity.relayShare)})
            </p>
            <p>
              Recordings: {stats.recordings.completed} of {stats.recordings.started} saved (
              {percent(stats.recordings.successRate)})
            </p>
          </section>
        </div>
      )}
    </main>
  );
}
