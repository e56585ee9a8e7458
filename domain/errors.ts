/**
 * The one error vocabulary of the platform. Domain code, stores and handlers
 * throw these; a single mapper (functions/http/errors.ts) turns them into the
 * contract's JSON errors. Anything else that escapes is a bug and becomes a
 * generic 500 without leaking its message.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'PAYLOAD_TOO_LARGE'
  | 'QUOTA_EXCEEDED'
  | 'INTERNAL';

export interface ErrorDetail {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly statusCode: number;
  /** Safe to show to the caller (middy's convention: expose for < 500). */
  readonly expose = true;
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  readonly code = 'VALIDATION_FAILED';
  readonly statusCode = 400;
}
export class Unauthenticated extends AppError {
  readonly code = 'UNAUTHENTICATED';
  readonly statusCode = 401;
}
export class Forbidden extends AppError {
  readonly code = 'FORBIDDEN';
  readonly statusCode = 403;
}
export class NotFound extends AppError {
  readonly code = 'NOT_FOUND';
  readonly statusCode = 404;
}
export class Conflict extends AppError {
  readonly code = 'CONFLICT';
  readonly statusCode = 409;
}
/** A unique key (a USCC) already belongs to another record: 409 like Conflict, its own code so clients can tell. */
export class Duplicate extends AppError {
  readonly code = 'DUPLICATE';
  readonly statusCode = 409;
}
export class PayloadTooLarge extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly statusCode = 413;
}

/** A per-user limit (api.md "Quotas"): `details` names the limit, e.g. `{ path: 'quota.importsRunning', message: 'at most 1 ...' }`. */
export class QuotaExceeded extends AppError {
  readonly code = 'QUOTA_EXCEEDED';
  readonly statusCode = 429;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
