/**
 * Typed errors with stable machine-readable codes. Every failure the API reports has the shape
 * `{ code, message, details?, requestId }`; the HTTP status comes from the error's class.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = 'unauthenticated', message = 'A valid bearer token is required') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(403, code, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(404, code, message, details);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

/** The body's media type is not one this operation takes. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

/**
 * A dependency did not answer in time (the workflow engine), or this server lacks something an
 * administrator must install (the fonts of PDF documents: `document_fonts_missing`). Nothing the
 * caller sent is lost; the answer says whether the action may still take effect, and a retry is
 * safe (409 if it did).
 */
export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(503, code, message, details);
  }
}

/** The request is well-formed but breaks a business rule. */
export class RuleViolationError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(422, code, message, details);
  }
}

/**
 * A failure that will heal by itself or by an administrator's fix (not the caller's input): a
 * step that meets one is retried, not failed. Activities classify everything else as final.
 */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
