import { HttpException } from '@nestjs/common';

/** An HTTP error with the stable `code` of the API contract. */
export class HttpError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super({ statusCode: status, code, message, ...details }, status);
  }
}
