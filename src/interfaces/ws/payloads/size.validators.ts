import { ValidateBy, type ValidationOptions } from 'class-validator';

export const MAX_BYTES = 'maxBytes';
export const MAX_JSON_BYTES = 'maxJsonBytes';

/** A string of at most `limit` bytes once UTF-8 encoded (what goes over the wire). */
export function MaxBytes(limit: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: MAX_BYTES,
      constraints: [limit],
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= limit,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${limit} bytes`,
      },
    },
    options,
  );
}

/** An object whose JSON encoding is at most `limit` bytes. */
export function MaxJsonBytes(limit: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: MAX_JSON_BYTES,
      constraints: [limit],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'object' || value === null) return true;
          try {
            return Buffer.byteLength(JSON.stringify(value), 'utf8') <= limit;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be at most ${limit} bytes as JSON`,
      },
    },
    options,
  );
}
