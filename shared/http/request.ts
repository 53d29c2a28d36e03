import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { z } from 'zod';
import { DomainError, ValidationError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import { normalizeEmail } from '#domain/participants.ts';
import { formatPath } from '#domain/programme.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface ClaimsConfig {
  emailClaim: string;
  groupsClaim: string;
  organizerGroup: string;
}

/**
 * The caller's identity from the claims the JWT authorizer verified. API Gateway hands array claims
 * over as a string like "[organizers staff]" (see parseGroups); the organizer group is one exact token.
 */
export function identityFromEvent(event: HttpEvent, config: ClaimsConfig): Identity {
  return identityFromClaims(event.requestContext?.authorizer?.jwt?.claims, config);
}

/**
 * The identity in a verified token's claims, as API Gateway hands them over (strings) or as AppSync
 * and a JWT library do (arrays, booleans): a subject, a verified email, the organizer group.
 */
export function identityFromClaims(
  claims: Record<string, unknown> | undefined,
  config: ClaimsConfig,
): Identity {
  const subject = claims?.sub;
  const email = claims?.[config.emailClaim];
  const verified = claims?.email_verified;
  if (
    typeof subject !== 'string' ||
    typeof email !== 'string' ||
    email === '' ||
    verified === false ||
    verified === 'false'
  ) {
    throw new DomainError(
      'UNAUTHENTICATED',
      'Sign in: this route needs a valid bearer token with a verified email.',
    );
  }
  return {
    subject,
    email: normalizeEmail(email),
    isOrganizer: parseGroups(claims?.[config.groupsClaim]).includes(config.organizerGroup),
  };
}

/**
 * The groups of a claim, as exact names. An array claim arrives from API Gateway as `"[a b]"`: the
 * elements joined by single spaces, so that form is split on spaces only, and a comma stays part of a
 * name (`[not,organizers]` is the one group `not,organizers`). A plain string is one group; an array (a
 * direct invocation, a test) is taken as it is. A group name that itself holds a space cannot be told
 * from two groups in the bracket form: that is why the organizer group's name may hold none
 * (organizerGroupSchema), and why no other group should contain it as a word.
 */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string' || claim === '') return [];
  if (claim.startsWith('[') && claim.endsWith(']')) return claim.slice(1, -1).split(' ').filter(Boolean);
  return [claim];
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The raw body's bytes (API Gateway base64-encodes a body it does not take for text), at most `maxBytes`. */
export function bodyBytes(event: HttpEvent, maxBytes = DEFAULT_MAX_BODY_BYTES): Buffer {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    throw new ValidationError(
      `The request body is ${bytes.length} bytes; this route takes at most ${maxBytes}.`,
      { field: 'body' },
    );
  }
  return bytes;
}

/** The raw body as UTF-8 text, refusing one larger than `maxBytes`. */
export function bodyText(event: HttpEvent, maxBytes = DEFAULT_MAX_BODY_BYTES): string {
  return bodyBytes(event, maxBytes).toString('utf8');
}

/** Parses the JSON body against a schema; the first problem is reported with its field. */
export function jsonBody<S extends z.ZodType>(event: HttpEvent, schema: S, maxBytes?: number): z.infer<S> {
  return validate(schema, parseJson(bodyText(event, maxBytes)), 'body');
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new ValidationError('The request needs a JSON body.', { field: 'body' });
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON.', { field: 'body' });
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = formatPath(issue?.path ?? []);
  throw new ValidationError(`${field ? `${field}: ` : `${where}: `}${issue?.message ?? 'invalid'}`, {
    field: field || where,
  });
}

export const queryParams = (event: HttpEvent): Record<string, string | undefined> =>
  event.queryStringParameters ?? {};

export const contentTypeOf = (event: HttpEvent): string =>
  (event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase() ?? '';
