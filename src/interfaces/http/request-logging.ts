import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * One line per request: method, route pattern (not the raw URL, whose query may carry data),
 * status and duration. No addresses, headers or bodies.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      logger.info(
        {
          method: request.method,
          route: `${request.baseUrl}${route}`,
          status: response.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
