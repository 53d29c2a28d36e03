import { DomainError, type ErrorCode } from '#domain/errors.ts';

/** The HTTP status of each domain error code (the OpenAPI document is generated from it too). */
export const statusByCode: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  NOT_REGISTERED: 403,
  PARTICIPANT_REVOKED: 403,
  SESSION_RESTRICTED: 403,
  OUTSIDE_JOIN_WINDOW: 403,
  IN_PERSON_SEAT_HOLDER: 403,
  FORBIDDEN: 403,
  UNKNOWN_SESSION: 404,
  UNKNOWN_DELEGATION: 404,
  UNKNOWN_PARTICIPANT: 404,
  VALIDATION_FAILED: 400,
  SEAT_TAKEN: 409,
  SEAT_NOT_AVAILABLE: 409,
  DELEGATION_EXISTS: 409,
  EMAIL_IN_USE: 409,
  MEETING_UNAVAILABLE: 503,
  ROOM_FULL: 409,
  NOT_SEAT_HOLDER: 409,
  IMPORT_IN_PROGRESS: 409,
  IMPORT_CONFLICT: 409,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNKNOWN_FLOOR_REQUEST: 404,
  ALREADY_ON_LIST: 409,
  FLOOR_NOT_ALLOWED: 403,
  FLOOR_EMPTY: 409,
  FLOOR_HELD: 409,
  NO_FLOOR_HOLDER: 409,
  PARTICIPANT_CHANGED: 409,
};

export interface HttpError {
  statusCode: number;
  code: string;
  body: { error: { code: string; message: string } & Record<string, unknown> };
  headers?: Record<string, string>;
}

/**
 * The one place errors become HTTP. Domain errors keep their code, message and details; anything else
 * is a 500 that says nothing about the internals.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof DomainError) {
    const statusCode = statusByCode[error.code];
    return {
      statusCode,
      code: error.code,
      body: { error: { code: error.code, message: error.message, ...(error.details ?? {}) } },
      ...(statusCode === 503 ? { headers: { 'Retry-After': '2' } } : {}),
    };
  }
  if (isTransient(error)) {
    // A dependency timed out or shed load (DynamoDB paused, throttled): the caller may simply retry.
    return {
      statusCode: 503,
      code: 'MEETING_UNAVAILABLE',
      body: {
        error: {
          code: 'MEETING_UNAVAILABLE',
          message: 'The service is busy; please try again in a few seconds.',
        },
      },
      headers: { 'Retry-After': '2' },
    };
  }
  return {
    statusCode: 500,
    code: 'INTERNAL',
    body: { error: { code: 'INTERNAL', message: 'Something went wrong on our side. It has been logged.' } },
  };
}

/** Errors of a dependency that say "try again": timeouts, throttling, a service briefly unavailable. */
const TRANSIENT =
  /^(TimeoutError|RequestTimeout|RequestTimeoutException|ThrottlingException|ProvisionedThroughputExceededException|RequestLimitExceeded|ServiceUnavailable|InternalServerError|ECONNRESET|ECONNREFUSED)$/;

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: string }).code;
  return TRANSIENT.test(error.name) || (code !== undefined && TRANSIENT.test(code));
}
