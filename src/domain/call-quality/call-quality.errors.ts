import { DomainError } from '../shared/domain-error.js';

/** Refused quality samples; their codes and statuses are listed in docs/errors.md. */
export class InvalidQualitySampleError extends DomainError {
  readonly code = 'QUALITY.INVALID_SAMPLE';
  readonly kind = 'invalid';
  constructor(field: string, limit: number) {
    super(`${field} must be a number between 0 and ${limit}.`);
  }
}

export class SystemQualitySampleError extends DomainError {
  readonly code = 'QUALITY.SYSTEM_SAMPLE';
  readonly kind = 'forbidden';
  constructor() {
    super('Quality samples come from participants; the system cannot report one.');
  }
}

export class QualitySampleTooFrequentError extends DomainError {
  readonly code = 'QUALITY.TOO_FREQUENT';
  readonly kind = 'conflict';
  constructor(intervalSeconds: number) {
    super(`At most one quality sample every ${intervalSeconds} s is kept; this one was not.`);
  }
}
