import { domainError } from '../shared/domain-error.js';

/** Refused quality samples; their codes and statuses are listed in docs/errors.md. */
export class InvalidQualitySampleError extends domainError(
  'QUALITY.INVALID_SAMPLE',
  'invalid',
  (field: string, limit: number) => `${field} must be a number between 0 and ${limit}.`,
) {}

export class SystemQualitySampleError extends domainError(
  'QUALITY.SYSTEM_SAMPLE',
  'forbidden',
  () => 'Quality samples come from participants; the system cannot report one.',
) {}

export class QualitySampleTooFrequentError extends domainError(
  'QUALITY.TOO_FREQUENT',
  'conflict',
  (intervalSeconds: number) =>
    `At most one quality sample every ${intervalSeconds} s is kept; this one was not.`,
) {}
