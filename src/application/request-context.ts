import type { RequestOrigin } from './ports/event-store.port.js';

/**
 * Where a request came from, for commands and audited reads alike: carried into the metadata of
 * every event the request causes.
 */
export interface RequestContext {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly origin?: RequestOrigin;
  /** From `If-Match`: the stream revision the caller last saw. */
  readonly expectedRevision?: number;
}
