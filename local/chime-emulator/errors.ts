/**
 * Errors of the Chime SDK Meetings emulator (a local test double of the AWS service).
 *
 * The names and HTTP statuses are the ones the service model (`com.amazonaws.chimesdkmeetings`, as bundled
 * in `@aws-sdk/client-chime-sdk-meetings`) registers, so the unmodified SDK turns each answer into its own
 * typed exception class. The SDK reads the name from the `x-amzn-errortype` header first, then `code`, then
 * `__type` in the body, and copies `Code`, `Message` and `RequestId` from the body onto the exception.
 */

export type ChimeErrorType =
  | 'BadRequestException'
  | 'ConflictException'
  | 'ForbiddenException'
  | 'LimitExceededException'
  | 'NotFoundException'
  | 'ServiceFailureException'
  | 'ServiceUnavailableException'
  | 'ThrottlingException'
  | 'UnauthorizedException'
  | 'UnprocessableEntityException'
  // Not in the model: what AWS REST services answer for a path/method they do not serve.
  | 'UnknownOperationException';

/** Status per the model's `smithy.api#httpError` trait. LimitExceededException is a 400 there, not a 429. */
const STATUS: Record<ChimeErrorType, number> = {
  BadRequestException: 400,
  ConflictException: 409,
  ForbiddenException: 403,
  LimitExceededException: 400,
  NotFoundException: 404,
  ServiceFailureException: 500,
  ServiceUnavailableException: 503,
  ThrottlingException: 429,
  UnauthorizedException: 401,
  UnprocessableEntityException: 422,
  UnknownOperationException: 404,
};

/**
 * The short `Code` put in the body (and in BatchCreateAttendee's `Errors[].ErrorCode`). The 2021-07-15 model
 * types it as a free string; these values are the `ErrorCode` enum of the older `chime` namespace, the only
 * published list of the codes this service family uses.
 */
const CODE: Record<ChimeErrorType, string> = {
  BadRequestException: 'BadRequest',
  ConflictException: 'Conflict',
  ForbiddenException: 'Forbidden',
  LimitExceededException: 'ResourceLimitExceeded',
  NotFoundException: 'NotFound',
  ServiceFailureException: 'ServiceFailure',
  ServiceUnavailableException: 'ServiceUnavailable',
  ThrottlingException: 'Throttling',
  UnauthorizedException: 'Unauthorized',
  UnprocessableEntityException: 'Unprocessable',
  UnknownOperationException: 'UnknownOperation',
};

/** Error types a test may inject with `injectFaults` (the ones a caller's retry logic has to handle). */
export type InjectableFault =
  | 'ThrottlingException'
  | 'ServiceUnavailableException'
  | 'ServiceFailureException'
  | 'ForbiddenException'
  | 'UnauthorizedException';

export const INJECTABLE_FAULTS: readonly InjectableFault[] = [
  'ThrottlingException',
  'ServiceUnavailableException',
  'ServiceFailureException',
  'ForbiddenException',
  'UnauthorizedException',
];

/** An error answered to a Chime API call, serialized by the server as the real service does. */
export class ChimeApiError extends Error {
  override readonly name = 'ChimeApiError';
  readonly status: number;
  readonly code: string;

  constructor(
    readonly type: ChimeErrorType,
    message: string,
    /** Sent as `Retry-After` (seconds); the SDK's retry strategy honours it. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = STATUS[type];
    this.code = CODE[type];
  }
}

export function errorCodeOf(type: ChimeErrorType): string {
  return CODE[type];
}

export const badRequest = (message: string): ChimeApiError =>
  new ChimeApiError('BadRequestException', message);
export const notFound = (message: string): ChimeApiError => new ChimeApiError('NotFoundException', message);
export const limitExceeded = (message: string): ChimeApiError =>
  new ChimeApiError('LimitExceededException', message);

/** An error of the emulator's own `/_local/` control surface (not part of the AWS API). */
export class EmulatorControlError extends Error {
  override readonly name = 'EmulatorControlError';

  constructor(
    /** 400 bad input, 404 never existed, 409 wrong state (e.g. leaving while not connected), 410 deleted/ended. */
    readonly status: 400 | 404 | 409 | 410,
    message: string,
  ) {
    super(message);
  }
}
