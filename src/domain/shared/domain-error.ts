/**
 * A broken business rule. `code` is stable API (clients switch on it); `kind` tells the interface
 * layer which status family it belongs to without the domain knowing about HTTP.
 */
export type DomainErrorKind = 'conflict' | 'forbidden' | 'not_found' | 'invalid';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;
  /** Extra fields the API returns beside code and message (e.g. who has not consented). */
  readonly details: Readonly<Record<string, unknown>> = {};

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A DomainError class with a fixed code and kind, its message built from its constructor's
 * arguments: `export class XError extends domainError('X.Y', 'invalid', (id: string) => ...) {}`.
 */
export function domainError<
  Code extends string,
  Kind extends DomainErrorKind,
  Args extends unknown[],
>(code: Code, kind: Kind, message: (...args: Args) => string) {
  return class extends DomainError {
    readonly code = code;
    readonly kind = kind;
    constructor(...args: Args) {
      super(message(...args));
    }
  };
}
