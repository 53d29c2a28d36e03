import { z } from 'zod';
import { delegationCodeSchema } from './delegations.ts';
import { nameSchema } from './names.ts';

export const participantRoles = ['HeadOfDelegation', 'Delegate', 'Speaker', 'Moderator'] as const;
export const participantRoleSchema = z.enum(participantRoles);
export type ParticipantRole = z.infer<typeof participantRoleSchema>;

/** Emails are the identity link and compare case-insensitively: store and look up the normalized form. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The longest email address (RFC 5321's path limit): no participant is registered with a longer one. */
export const MAX_EMAIL_LENGTH = 254;

export const emailSchema = z
  .string()
  .trim()
  .max(MAX_EMAIL_LENGTH)
  .pipe(z.email({ message: 'must be an email address' }))
  .transform(normalizeEmail);

export const participantIdSchema = z.string().regex(/^p_[0-9a-z]{20}$/, 'is not a participant id');

export interface Participant {
  /** Opaque, stable id: the Chime ExternalUserId. Never derived from a name or an email. */
  id: string;
  name: string;
  email: string;
  delegationCode: string;
  role: ParticipantRole;
  revoked: boolean;
  /** The delegation code whose in-person seat this participant holds, if any. */
  inPersonSeat: string | null;
  /**
   * Moves on every change of the record (revocation, seat, role, delegation, ...). An attendee is stored
   * only on the condition that the epoch is still the one its decision read, so a change racing a join
   * either sees the new attendee (and applies itself to it) or makes the join decide again.
   */
  credentialEpoch: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * The Chime ExternalUserId of one placement: the participant's opaque id and a nonce. Chime treats the
 * ExternalUserId as an idempotency token (the same one in a meeting may return the same attendee), so two
 * placements racing for one participant (two devices, a join and the provisioning run) would share one
 * attendee, and the loser's release would delete the winner's. A nonce per placement keeps them apart;
 * the stored attendee is the participant's one credential per room. Still opaque: no name, no email.
 */
export const externalUserIdFor = (participantId: string, nonce: string): string =>
  `${participantId}.${nonce}`;

/** The participant of an ExternalUserId (ours carry a placement nonce after a dot; older ones none). */
export const participantIdOf = (externalUserId: string): string =>
  externalUserId.split('.')[0] ?? externalUserId;

/** One row of a bulk import (JSON object or CSV line). */
export const participantImportRowSchema = z.strictObject({
  name: nameSchema(1, 200),
  email: emailSchema,
  delegation: delegationCodeSchema,
  role: participantRoleSchema,
});
export type ParticipantImportRow = z.infer<typeof participantImportRowSchema>;

export const participantUpdateSchema = z
  .strictObject({
    name: nameSchema(1, 200).optional(),
    email: emailSchema.optional(),
    delegation: delegationCodeSchema.optional(),
    role: participantRoleSchema.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, {
    message: 'give at least one of name, email, delegation, role',
  });
export type ParticipantUpdate = z.infer<typeof participantUpdateSchema>;

/** What an organizer sees of a participant (no credentials, ever). */
export const toParticipantView = (p: Participant) => ({
  id: p.id,
  name: p.name,
  email: p.email,
  delegation: p.delegationCode,
  role: p.role,
  revoked: p.revoked,
  inPersonSeat: p.inPersonSeat,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
export type ParticipantView = ReturnType<typeof toParticipantView>;

/** Which participants an organizer's list shows; every criterion given must hold. */
export interface ParticipantFilter {
  role?: ParticipantRole;
  revoked?: boolean;
  /** Text in the name or the email, compared without regard to case or accents ("muller" finds Müller). */
  text?: string;
}

const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The filter as a predicate (the text folded once). */
export function participantMatcher(filter: ParticipantFilter): (p: Participant) => boolean {
  const text = filter.text ? folded(filter.text) : undefined;
  return (p) =>
    (filter.role === undefined || p.role === filter.role) &&
    (filter.revoked === undefined || p.revoked === filter.revoked) &&
    (text === undefined || folded(p.name).includes(text) || folded(p.email).includes(text));
}

/** Whether a filter has any criterion (a list without one reads exactly one page of `limit`). */
export const isFiltering = (filter: ParticipantFilter): boolean =>
  filter.role !== undefined || filter.revoked !== undefined || filter.text !== undefined;
