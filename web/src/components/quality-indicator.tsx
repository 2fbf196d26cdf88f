import type { ConnectionSample, QualityLevel } from '../call/connection-sample';

const LABELS: Record<QualityLevel, string> = {
  good: 'Good connection',
  fair: 'Fair connection',
  poor: 'Poor connection',
  unknown: 'Measuring connection…',
};

/** Signal bars from getStats, with the numbers behind them for the curious (and for support). */
export function QualityIndicator({
  level,
  sample,
}: {
  level: QualityLevel;
  sample: ConnectionSample | null;
}) {
  const bars = { good: 3, fair: 2, poor: 1, unknown: 0 }[level];
  const details = sample
    ? `RTT ${sample.rttMs} ms, jitter ${sample.jitterMs} ms, loss ${sample.packetLossPct} %, ${sample.bitrateKbps} kbit/s, ${
        sample.candidateType === 'relay' ? 'relayed (TURN)' : 'direct (peer to peer)'
      }`
    : 'No measurements yet';
  return (
    <div
      className={`quality quality-${level}`}
      role="img"
      aria-label={`${LABELS[level]}. ${details}`}
      title={details}
      data-candidate-type={sample?.candidateType ?? ''}
    >
      {[1, 2, 3].map((bar) => (
        <span key={bar} className={bar <= bars ? 'bar bar-on' : 'bar'} />
      ))}
      <span className="quality-label">{LABELS[level]}</span>
    </div>
  );
}
