import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../../domain/shared/domain-error.js';
import {
  ApplicationError,
  type ApplicationErrorKind,
} from '../../application/application.errors.js';
import type { AccessDenialAudit } from '../../application/audit/access-denial-audit.js';
import type { OutageDetector } from '../../application/ports/outage-detector.port.js';
import { InvalidCursorError } from '../../application/ports/invalid-cursor.error.js';
import { RetryLaterError } from '../../application/retry-later.error.js';
import { HttpError } from './http-error.js';
import type { AuthenticatedRequest } from './auth/auth.decorators.js';
import { callAccessDenial } from './call-access-denial.js';

const STATUS_BY_KIND: Record<ApplicationErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST.RATE_LIMITED',
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  [detail: string]: unknown;
}

/** Turns every error into the JSON shape of the API contract: { statusCode, code, message }. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError || error instanceof ApplicationError) {
    return {
      ...error.details,
      statusCode: STATUS_BY_KIND[error.kind],
      code: error.code,
      message: error.message,
    };
  }
  if (error instanceof HttpError) {
    return {
      ...error.details,
      statusCode: error.getStatus(),
      code: error.code,
      message: error.message,
    };
  }
  if (error instanceof InvalidCursorError) {
    return { statusCode: 400, code: 'REQUEST.INVALID_CURSOR', message: error.message };
  }
  if (error instanceof RetryLaterError) {
    return {
      statusCode: error.reason === 'busy' ? 503 : 429,
      code: error.code,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : error.message;
    return { statusCode: status, code: CODE_BY_STATUS[status] ?? `HTTP.${status}`, message };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side' };
}

/**
 * Answers every error in the contract's shape. A refusal on a call (403 or 404) is first recorded
 * in the ledger as an AccessDenied; if that append fails, the refusal is still answered as it was
 * and only the failure's kind is logged.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly denials: AccessDenialAudit,
    private readonly outages: OutageDetector,
  ) {}

  async catch(thrown: unknown, host: ArgumentsHost): Promise<void> {
    const error = this.outages.retryLater(thrown) ?? thrown;
    const body = toErrorBody(error);
    // "Try again shortly" is an expected answer, not a failure: the outage itself is logged where
    // it is met (the connection pools).
    if (body.statusCode >= 500 && !(error instanceof RetryLaterError)) {
      // The message and stack only: request bodies and user data never reach the log.
      this.logger.error(
        { err: { message: (error as Error).message, stack: (error as Error).stack } },
        'request failed',
      );
    }
    const http = host.switchToHttp();
    await this.recordDenial(http.getRequest<AuthenticatedRequest>(), body);
    const response = http.getResponse<Response>();
    if (response.headersSent) return;
    if (error instanceof RetryLaterError) {
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  private async recordDenial(request: AuthenticatedRequest, body: ErrorBody): Promise<void> {
    const denial = callAccessDenial(request, body);
    if (!denial) return;
    try {
      await this.denials.record(denial);
    } catch (failure) {
      // The route and code are all that is logged: the error's text may quote the request.
      this.logger.error(
        {
          err: { name: (failure as Error).name },
          route: denial.route,
          method: denial.method,
          code: denial.code,
        },
        'access denial not recorded',
      );
    }
  }
}
