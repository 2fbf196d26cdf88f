import type { DomainErrorKind } from '../domain/shared/domain-error.js';

export type ApplicationErrorKind =
  | DomainErrorKind
  | 'precondition_failed'
  | 'unauthenticated'
  /** Well-formed, but contradicts what the server already holds for it (422). */
  | 'unprocessable';

/** Errors of the use-case layer (concurrency, preconditions), mapped to HTTP like domain errors. */
export class ApplicationError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ApplicationErrorKind,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

export function revisionPreconditionFailed(expected: number, actual: number): ApplicationError {
  return new ApplicationError(
    'LEDGER.REVISION_MISMATCH',
    'precondition_failed',
    `If-Match names revision ${expected}, but the call is at revision ${actual}; reload it and try again`,
    { expectedRevision: expected, actualRevision: actual },
  );
}

export function concurrentModification(streamId: string): ApplicationError {
  return new ApplicationError(
    'LEDGER.CONCURRENT_MODIFICATION',
    'conflict',
    `Someone else changed ${streamId.split('-')[0] ?? 'the stream'} at the same moment; reload it and try again`,
  );
}
