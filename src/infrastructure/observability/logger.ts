import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';

/**
 * Structured logs: JSON lines for collectors, or readable lines (pino-pretty) for a developer's
 * terminal. Callers pass ids, codes and counts only: no names, free text, emails or IP addresses
 * (PHI). The redact list is a second line of defence for fields that slip in; it applies before
 * either format sees a line.
 */
export function createLogger(level: string, format: AppConfig['logFormat'] = 'json'): Logger {
  return pino({
    level,
    // pino-pretty formats in a worker thread, loaded only when asked for: JSON processes (tests,
    // production) never load it and the request path never waits for colouring.
    ...(format === 'pretty' && {
      transport: {
        target: 'pino-pretty',
        options: {
          translateTime: 'SYS:HH:MM:ss.l',
          // NestJS's own lines name their source in `context`: one line each, not two.
          messageFormat: '{if context}[{context}] {end}{msg}',
          ignore: 'pid,hostname,service,context',
        },
      },
    }),
    base: { service: 'call-ledger' },
    redact: {
      paths: [
        '*.email',
        '*.password',
        '*.displayName',
        '*.reason',
        '*.ip',
        '*.userAgent',
        '*.authorization',
        'email',
        'password',
        'displayName',
        'reason',
        'ip',
      ],
      censor: '[redacted]',
    },
  });
}

/** Routes NestJS's own log lines into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** The message-first logger our ports take (`warn(message, fields)`), written through pino. */
export interface MessageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function messageLogger(logger: Logger): MessageLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
