import { z } from 'zod';
import { delegationCategorySchema, newOrganizationSchema } from '#domain/delegations.ts';
import {
  emailSchema,
  participantIdSchema,
  participantImportRowSchema,
  participantRoleSchema,
  participantUpdateSchema,
} from '#domain/participants.ts';
import { instantSchema } from '#domain/programme.ts';
import { MAX_IMPORT_ROWS } from '#use-cases/import-participants.ts';

/**
 * The query strings and JSON bodies of the API: the schemas the handlers validate with, and the ones the
 * OpenAPI document (shared/http/openapi.ts) is generated from, so the two cannot drift apart. Path
 * parameters are in path-parameters.ts; response bodies in responses.ts.
 */

const instant = instantSchema.transform((s) => new Date(s).toISOString());
const pageLimit = (fallback: number) => z.coerce.number().int().min(1).max(500).default(fallback);

// GET /delegations
export const delegationListQuery = z.object({ category: delegationCategorySchema.optional() });

// POST /delegations
export const newOrganizationBody = newOrganizationSchema;

// PUT /delegations/{code}/in-person-seat
export const seatAssignmentBody = z.strictObject({ participantId: participantIdSchema });

// GET /participants
export const participantListQuery = z.strictObject({
  delegation: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,32}$/)
    .transform((s) => s.toUpperCase())
    .optional(),
  role: participantRoleSchema.optional(),
  revoked: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .optional()
    .describe('`true`: only revoked participants; `false`: only those not revoked.'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Text in the name or the email, compared without regard to case or accents.'),
  limit: pageLimit(100),
  cursor: z.string().max(2048).optional(),
});

// POST /participants/import (JSON): the handler reads the array, the use case checks each row against
// participantImportRowSchema, so that a bad row is reported with its number.
export const participantImportBody = z.array(participantImportRowSchema).min(1).max(MAX_IMPORT_ROWS);

// PATCH /participants/{participantId}
export const participantUpdateBody = participantUpdateSchema;

// POST /sessions/{sessionId}/check-ins
export const checkInBody = z.strictObject({
  participantId: participantIdSchema,
  direction: z.enum(['in', 'out']),
});

// GET /sessions/{sessionId}/attendance
export const reportFormatQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

// GET /sessions/{sessionId}/presence/timeline
export const presenceTimelineQuery = z.strictObject({
  step: z.coerce
    .number()
    .int()
    .min(60)
    .max(3600)
    .multipleOf(60)
    .default(60)
    .describe(
      'Seconds between points: whole minutes, 60 to 3600. Widened when the room’s window would need more than 1,440 points; the answer says the step used.',
    ),
});

// GET /roll-call
export const rollCallQuery = reportFormatQuery.extend({ category: delegationCategorySchema.optional() });

// GET /audit
export const auditQuery = z
  .strictObject({
    sessionId: z.string().max(64).optional(),
    participantId: participantIdSchema.optional(),
    outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed']).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: pageLimit(50),
    cursor: z.string().max(2048).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

// GET /meeting-events/unmatched
export const unmatchedQuery = z.strictObject({ limit: pageLimit(100) });

// PATCH /sessions/{sessionId}
export const sessionEndBody = z.strictObject({ end: instantSchema });

/** PATCH /sessions/{id}: a new end (an overrun), new moderators, or both. */
export const sessionChangeBody = z
  .strictObject({
    end: instantSchema.optional(),
    moderators: z.array(emailSchema).max(50).optional(),
  })
  .refine((c) => c.end !== undefined || c.moderators !== undefined, {
    message: 'give end, moderators, or both',
  });

// The floor

export const floorRequestIdSchema = z.string().regex(/^fr_[0-9a-z]{19}$/, 'is not a floor request id');
/** An organizer or moderator names whom to inscribe; a participant sends no body (or `{}`). */
export const floorInscribeBody = z.strictObject({ participantId: participantIdSchema.optional() });
export const floorMoveBody = z.strictObject({ position: z.number().int().min(1).max(1000) });
export const floorGrantBody = z.strictObject({ requestId: floorRequestIdSchema });
export const floorExtendBody = z.strictObject({
  seconds: z.number().int().min(1).max(3600),
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(300),
});
