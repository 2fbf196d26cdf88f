import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../../domain/shared/domain-error.js';
import {
  ApplicationError,
  type ApplicationErrorKind,
} from '../../application/application.errors.js';
import { InvalidCursorError } from '../../application/ports/invalid-cursor.error.js';
import { RetryLaterError } from '../../application/retry-later.error.js';
import { HttpError } from './http-error.js';

const STATUS_BY_KIND: Record<ApplicationErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
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

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(error);
    if (body.statusCode >= 500) {
      // The message and stack only: request bodies and user data never reach the log.
      this.logger.error(
        { err: { message: (error as Error).message, stack: (error as Error).stack } },
        'request failed',
      );
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (error instanceof RetryLaterError) {
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }
}
