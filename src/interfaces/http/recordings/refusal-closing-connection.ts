import type { Response } from 'express';
import type { HttpError } from '../http-error.js';

/**
 * A refusal sent while a raw body is still arriving. Left open, the connection would have the
 * server read the rest of a body it already refused; closed once the answer is out, the client
 * gets its answer and stops sending.
 */
export function refusalClosingConnection(response: Response, refusal: HttpError): HttpError {
  response.setHeader('Connection', 'close');
  return refusal;
}
