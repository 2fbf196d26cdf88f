import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Callers pass ids, codes and counts only: no names, free text, emails or
 * IP addresses (PHI). The redact list is a second line of defence for fields that slip in.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
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
