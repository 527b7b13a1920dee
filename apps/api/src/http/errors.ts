import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode, type ErrorDetail, type ErrorBody } from '@kindling/shared';

/** The one error type handlers throw; the error middleware turns it into the JSON answer. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found`);

/** Turns zod issues into `[{ field, issue }]`. */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(body)', issue: i.message }));
}

/** Maps every thrown error to `{ error: { code, message, details? } }`; unknown errors are 500s. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof z.ZodError)
    appError = new AppError('validation_failed', 'Some fields are invalid', zodDetails(err));
  else if (isBodyParserError(err)) appError = bodyError(err);
  else {
    req.log.error({ err }, 'unhandled error');
    appError = new AppError('internal', 'Something went wrong on our side; it has been logged');
  }
  if (appError.status >= 500 && err instanceof AppError) req.log.error({ err }, appError.message);
  const body: ErrorBody = {
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.details ? { details: appError.details } : {}),
      requestId: typeof req.id === 'string' ? req.id : JSON.stringify(req.id),
    },
  };
  if (appError.headers) res.set(appError.headers);
  res.status(appError.status).json(body);
};

/** What body-parser throws: an http-errors 4xx with a `type`, or a zlib error it wrapped. */
interface BodyParserError {
  status: number;
  type?: unknown;
  code?: unknown;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (typeof err !== 'object' || err === null) return false;
  const { status, type, code } = err as Record<string, unknown>;
  return (
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    (typeof type === 'string' || (typeof code === 'string' && code.startsWith('Z_')))
  );
}

/** Body-parser failures: each a 4xx that says what was wrong with the body. */
function bodyError(err: BodyParserError): AppError {
  if (err.status === 413) return new AppError('payload_too_large', 'Request body is too large');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported')
    return new AppError(
      'unsupported_media_type',
      'Unsupported body encoding: send identity, gzip, deflate or br, and UTF-8 text',
    );
  if (typeof err.code === 'string' && err.code.startsWith('Z_'))
    return new AppError(
      'bad_request',
      'Request body could not be decompressed: it does not match its Content-Encoding',
    );
  if (err.type === 'request.size.invalid' || err.type === 'request.aborted')
    return new AppError(
      'bad_request',
      'Request body is incomplete: shorter than its Content-Length',
    );
  return new AppError('bad_request', 'Request body could not be parsed');
}
