import { ValidateBy, type ValidationOptions } from 'class-validator';

export const WELL_FORMED_TEXT = 'wellFormedText';

/**
 * Text that can be stored and shown as it was sent: valid Unicode (no lone surrogate, which JSON
 * can carry as `\ud800` but UTF-8 cannot) and no NUL, which PostgreSQL's text and jsonb refuse.
 */
export function isWellFormedText(value: string): boolean {
  // With the `u` flag a surrogate pair is one code point, so \p{Cs} matches lone halves only.
  return !/\p{Cs}/u.test(value) && !value.includes('\u0000');
}

/** A free-text field: a string that is well-formed text (anything else is left to @IsString). */
export function IsWellFormedText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: WELL_FORMED_TEXT,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isWellFormedText(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be valid Unicode text without NUL characters`,
      },
    },
    options,
  );
}
