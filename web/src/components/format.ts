/** "1:05" or "1:02:03": call lengths as clocks show them. */
export function formatDuration(totalSeconds: number | null): string {
  if (totalSeconds === null) return '—';
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return dateFormat.format(new Date(iso));
}

export function isToday(iso: string): boolean {
  return new Date(iso).toDateString() === new Date().toDateString();
}

const STATUS_LABELS: Record<string, string> = {
  SCHEDULED: 'Scheduled',
  RINGING: 'Ringing',
  IN_PROGRESS: 'In progress',
  ENDED: 'Completed',
  MISSED: 'Missed',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  FAILED: 'Failed',
  UNAVAILABLE: 'Unavailable',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}
