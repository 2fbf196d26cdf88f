import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { RequestContext } from '../../application/request-context.js';
import { HttpError } from './http-error.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const IF_MATCH = /^"(\d{1,15})"$/;

/** `If-Match: "<revision>"` pins the revision; `*` or no header pins nothing. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = IF_MATCH.exec(header.trim());
  if (!match?.[1]) {
    throw new HttpError(
      412,
      'LEDGER.MALFORMED_IF_MATCH',
      'If-Match must be a revision in quotes, as the ETag header gives it, e.g. "3"',
    );
  }
  return Number(match[1]);
}

/**
 * Who asked, as every event of a request carries it: a correlation id (the caller's
 * X-Correlation-Id or a fresh one), the request id as causation, and the origin. The origin is
 * ledger data for auditors; it is never logged.
 */
export function requestContextOf(request: Request): RequestContext {
  const offered = request.header('x-correlation-id');
  const userAgent = request.header('user-agent');
  return {
    correlationId: offered && CORRELATION_ID.test(offered) ? offered : randomUUID(),
    causationId: null,
    origin: {
      ...(request.ip ? { ip: request.ip } : {}),
      ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}),
    },
  };
}

/** The request's context (see `requestContextOf`) with the If-Match revision. */
export function pinnedRequestContextOf(request: Request): RequestContext {
  const expectedRevision = parseIfMatch(request.header('if-match'));
  return {
    ...requestContextOf(request),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
  };
}

/** The request's context with the If-Match revision (see `pinnedRequestContextOf`). */
export const CurrentRequestContext = createParamDecorator(
  (_: unknown, execution: ExecutionContext): RequestContext =>
    pinnedRequestContextOf(execution.switchToHttp().getRequest<Request>()),
);
