import type { PipeTransform } from '@nestjs/common';
import { HttpError } from '../http-error.js';

/**
 * For commands that take no fields: any field sent is refused as unknown, like everywhere else.
 * (class-validator has no way to say "a class without properties".)
 */
export const noFields: PipeTransform<unknown, Record<string, never>> = {
  transform(value: unknown) {
    const fields = typeof value === 'object' && value !== null ? Object.keys(value) : [];
    if (fields.length > 0) {
      throw new HttpError(400, 'REQUEST.INVALID', `property ${fields.join(', ')} should not exist`);
    }
    return {};
  },
};
