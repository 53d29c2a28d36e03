import { z } from 'zod';
import { delegationCodeSchema } from '#domain/delegations.ts';
import { ValidationError } from '#domain/errors.ts';
import { participantIdSchema } from '#domain/participants.ts';
import { roomIdSchema } from '#domain/programme.ts';
import type { HttpEvent } from './request.ts';
import { validate } from './request.ts';
import { floorRequestIdSchema } from './schemas.ts';

/**
 * The shape of every path parameter of the route table, checked before a handler runs: a value that
 * cannot be a room, a delegation or a participant is a 400 before it can reach a DynamoDB key (whose
 * partition key holds at most 2,048 bytes) or the audit trail. routes.ts names no parameter without a
 * schema here (test/unit/http.test.ts checks it).
 */
export const pathParameterSchemas: Record<string, z.ZodType<string>> = {
  sessionId: roomIdSchema,
  // Delegation codes are upper-case; a path may spell them in either case (the pattern says so in the
  // OpenAPI document, which describes what a client sends).
  code: z
    .string()
    .max(32, 'must be 2–32 characters')
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/,
      'must be 2–32 characters: letters, digits and hyphens, starting with a letter or digit',
    )
    .transform((s) => s.toUpperCase())
    .pipe(delegationCodeSchema),
  participantId: participantIdSchema,
  requestId: floorRequestIdSchema,
};

/** The decoded value of a percent-encoded path segment; a malformed escape (`%ZZ`, `%`) is a 400. */
function decodeSegment(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ValidationError(`${name}: the path segment is not validly percent-encoded.`, { field: name });
  }
}

/** A path parameter, decoded and checked against its schema. */
export function pathParam(event: HttpEvent, name: string): string {
  const raw = event.pathParameters?.[name];
  if (!raw) throw new ValidationError(`Missing path parameter ${name}.`, { field: name });
  const schema = pathParameterSchemas[name];
  if (!schema) throw new Error(`no schema for the path parameter ${name}`);
  return validate(schema, decodeSegment(raw, name), name);
}

/** Checks every path parameter of a request (the route's handler reads them with pathParam). */
export function checkPathParameters(event: HttpEvent): void {
  for (const name of Object.keys(event.pathParameters ?? {})) pathParam(event, name);
}
