/*
 * Reading event data defensively: the typed union says what the decider writes, but a read model
 * stores only values of the column's kind, so one odd value is skipped and never wedges a batch.
 */

export { isoInstant as instant, uuidOrNull } from '../read-model-rows.js';

export const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export const wholeSeconds = (value: unknown): number | null => {
  const seconds = finite(value);
  return seconds === null ? null : Math.round(seconds);
};

export const secondsBetween = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
