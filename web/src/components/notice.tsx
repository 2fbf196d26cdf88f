import type { ReactNode } from 'react';

/** A message the user must see: read out by screen readers as soon as it appears. */
export function Notice({
  tone = 'info',
  children,
  onDismiss,
}: {
  tone?: 'info' | 'warning' | 'error';
  children: ReactNode;
  onDismiss?: () => void;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'info' ? 'status' : 'alert'}>
      <div className="notice-text">{children}</div>
      {onDismiss && (
        <button
          type="button"
          className="button-quiet"
          onClick={onDismiss}
          aria-label="Dismiss message"
        >
          ✕
        </button>
      )}
    </div>
  );
}
