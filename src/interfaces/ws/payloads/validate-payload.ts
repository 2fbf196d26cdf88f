import { validateSync, type ValidationError } from 'class-validator';
import { SignalError } from '../signal-error.js';
import { isPlainObject, toInstance } from './nested-payload.js';
import { MAX_BYTES, MAX_JSON_BYTES } from './size.validators.js';

/** Keys that could reach an object's prototype when copied onto a class instance. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 4;

/** The first key path that must not be copied, or a too deep nesting, else null. */
function unsafeKey(value: unknown, depth: number): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > MAX_DEPTH) return 'the payload is nested too deeply';
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (FORBIDDEN_KEYS.has(key)) return `property ${key} should not exist`;
    const nested = record[key];
    if (typeof nested === 'object' && nested !== null) {
      const problem = unsafeKey(nested, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}

function describe(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property)
        ? `${path}${message.slice(error.property.length)}`
        : message,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}

function tooLarge(errors: readonly ValidationError[]): boolean {
  return errors.some(
    (error) =>
      (error.constraints !== undefined &&
        (MAX_BYTES in error.constraints || MAX_JSON_BYTES in error.constraints)) ||
      tooLarge(error.children ?? []),
  );
}

/**
 * Turns a client payload into a validated instance of `type`, or throws SignalError
 * SIGNAL.INVALID_PAYLOAD (SIGNAL.PAYLOAD_TOO_LARGE for an oversized SDP or candidate). Unknown
 * fields are refused at every level, and nothing is coerced: `"video": "true"` is an error.
 */
export function validatePayload<T extends object>(type: new () => T, raw: unknown): T {
  if (!isPlainObject(raw)) {
    throw new SignalError('SIGNAL.INVALID_PAYLOAD', 'The payload must be a JSON object');
  }
  const unsafe = unsafeKey(raw, 0);
  if (unsafe) throw new SignalError('SIGNAL.INVALID_PAYLOAD', unsafe);
  const instance = toInstance(type, raw);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length === 0) return instance;
  throw new SignalError(
    tooLarge(errors) ? 'SIGNAL.PAYLOAD_TOO_LARGE' : 'SIGNAL.INVALID_PAYLOAD',
    describe(errors).join('; ') || 'The payload is invalid',
  );
}
