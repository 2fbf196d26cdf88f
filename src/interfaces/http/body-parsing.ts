import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { toErrorBody } from './error.filter.js';
import { HttpError } from './http-error.js';

export const JSON_BODY_LIMIT = '64kb';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys that could reach an object's prototype are never legitimate input. */
function findForbiddenKey(value: unknown, depth = 0): string | null {
  if (typeof value !== 'object' || value === null || depth > 32) return null;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (nested) return nested;
  }
  return null;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON bodies only, at most 64 KB, and only objects at the top level. Errors come back in the
 * API's JSON shape instead of Express's HTML pages. `rawBodyRoutes` (media uploads) bypass it.
 */
export function jsonBodyParsing(
  rawBodyRoutes: readonly RegExp[] = [],
): Array<RequestHandler | ErrorRequestHandler> {
  const isRaw = (path: string): boolean => rawBodyRoutes.some((pattern) => pattern.test(path));
  const requireJson: RequestHandler = (request, _response, next) => {
    if (
      !METHODS_WITH_BODY.has(request.method) ||
      isRaw(request.path) ||
      !hasBody(request.headers)
    ) {
      return next();
    }
    if (!request.is('application/json')) {
      return next(
        new HttpError(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'),
      );
    }
    next();
  };
  const parse = express.json({ limit: JSON_BODY_LIMIT, strict: true, type: 'application/json' });
  const parseUnlessRaw: RequestHandler = (request, response, next) =>
    isRaw(request.path) ? next() : parse(request, response, next);
  const requireObject: RequestHandler = (request, _response, next) => {
    // A command without a body is a command with no fields.
    if (
      METHODS_WITH_BODY.has(request.method) &&
      !hasBody(request.headers) &&
      !isRaw(request.path)
    ) {
      request.body = {};
    }
    const body: unknown = request.body;
    if (
      hasBody(request.headers) &&
      !isRaw(request.path) &&
      (typeof body !== 'object' || body === null || Array.isArray(body))
    ) {
      return next(new HttpError(400, 'REQUEST.INVALID_BODY', 'The body must be a JSON object'));
    }
    const forbidden = findForbiddenKey(body);
    if (forbidden) {
      return next(new HttpError(400, 'REQUEST.INVALID', `property ${forbidden} should not exist`));
    }
    next();
  };
  const renderErrors: ErrorRequestHandler = (error: unknown, _request, response, next) => {
    if (response.headersSent) return next(error);
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    const body =
      type === 'entity.too.large' || status === 413
        ? {
            statusCode: 413,
            code: 'REQUEST.TOO_LARGE',
            message: `The body exceeds ${JSON_BODY_LIMIT}`,
          }
        : type === 'entity.parse.failed'
          ? {
              statusCode: 400,
              code: 'REQUEST.MALFORMED_JSON',
              message: 'The body is not valid JSON',
            }
          : type === 'encoding.unsupported' || type === 'charset.unsupported'
            ? {
                statusCode: 415,
                code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
                message: 'Unsupported body encoding',
              }
            : typeof status === 'number' &&
                status >= 400 &&
                status < 500 &&
                !(error instanceof HttpError)
              ? {
                  statusCode: status,
                  code: 'REQUEST.INVALID',
                  message: 'The request body could not be read',
                }
              : toErrorBody(error);
    response.status(body.statusCode).json(body);
  };
  return [requireJson, parseUnlessRaw, requireObject, renderErrors];
}
