import {
  ParseUUIDPipe,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { HttpError } from './http-error.js';

function describe(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.replace(error.property, path),
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}

/**
 * Whitelisted DTOs, unknown fields refused, and no implicit coercion: `"recordingEnabled": 1` is
 * a 400, not a `true`.
 */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validateCustomDecorators: false,
  exceptionFactory: (errors) =>
    new HttpError(400, 'REQUEST.INVALID', describe(errors).join('; ') || 'The request is invalid'),
});

const invalidId = () => new HttpError(400, 'REQUEST.INVALID_ID', 'Path ids must be UUIDs');

/** Path ids must be UUIDs; anything else is a 400 before any lookup. */
export const uuidParam = new ParseUUIDPipe({ exceptionFactory: invalidId });

async function pathId(value: string | undefined, metadata: ArgumentMetadata): Promise<string> {
  const id = await uuidParam.transform(value ?? '', metadata);
  if (typeof id !== 'string') throw invalidId();
  return id;
}

/** The ids of `…/calls/:id/recordings/:recordingId`, both checked as UUIDs. */
export interface RecordingRoute {
  readonly callId: string;
  readonly recordingId: string;
}

/** Used as `@Param(recordingRoute)`: one parameter for the call and the recording it names. */
export const recordingRoute: PipeTransform<Record<string, string>, Promise<RecordingRoute>> = {
  async transform(params, metadata) {
    return {
      callId: await pathId(params['id'], metadata),
      recordingId: await pathId(params['recordingId'], metadata),
    };
  },
};
