/**
 * Domain errors carry a stable, machine-readable `code`. One mapper (shared/http/error-mapper.ts) turns
 * them into HTTP responses; nothing else decides a status code.
 */
export const errorCodes = [
  'UNAUTHENTICATED',
  'NOT_REGISTERED',
  'PARTICIPANT_REVOKED',
  'SESSION_RESTRICTED',
  'OUTSIDE_JOIN_WINDOW',
  'IN_PERSON_SEAT_HOLDER',
  'FORBIDDEN',
  'UNKNOWN_SESSION',
  'UNKNOWN_DELEGATION',
  'UNKNOWN_PARTICIPANT',
  'VALIDATION_FAILED',
  'SEAT_TAKEN',
  'SEAT_NOT_AVAILABLE',
  'DELEGATION_EXISTS',
  'EMAIL_IN_USE',
  'MEETING_UNAVAILABLE',
  'ROOM_FULL',
  'NOT_SEAT_HOLDER',
  'IMPORT_IN_PROGRESS',
  'IMPORT_CONFLICT',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNKNOWN_FLOOR_REQUEST',
  'ALREADY_ON_LIST',
  'FLOOR_NOT_ALLOWED',
  'FLOOR_EMPTY',
  'FLOOR_HELD',
  'NO_FLOOR_HOLDER',
  'PARTICIPANT_CHANGED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, non-secret facts a client can act on (the bad field, when a window opens, ...). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('VALIDATION_FAILED', message, details);
  }
}

export class AccessDeniedError extends DomainError {
  override readonly name = 'AccessDeniedError';
}

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
}

/** The meeting provider could not serve the request in time (throttled or unavailable). */
export class MeetingUnavailableError extends DomainError {
  override readonly name = 'MeetingUnavailableError';
  constructor(message = 'The meeting service is busy; please try again in a few seconds.') {
    super('MEETING_UNAVAILABLE', message);
  }
}
