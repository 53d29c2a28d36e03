import { z } from 'zod';

/** Who is calling, as established at the edge (the JWT authorizer) — never what they may do. */
export interface Identity {
  subject: string;
  /** Normalized email: the link to a participant record. */
  email: string;
  isOrganizer: boolean;
}

/** What an audit record names as the actor: the participant id when there is one, else the identity. */
export const actorOf = (identity: Identity, participantId?: string): string =>
  participantId ?? `identity:${identity.subject}`;

/**
 * The name of the organizers' group. API Gateway's JWT authorizer hands a token's groups to the
 * function as one string, `"[a b]"`, so a name with a space could not be told from two groups, and a
 * comma is refused too because some identity providers send a comma list: such a name is refused when
 * the stack is synthesized and when a function (or `npm start`) reads its configuration.
 */
export const organizerGroupSchema = z
  .string()
  .refine((name) => !/[\s,]/.test(name), {
    message:
      'must not contain spaces or commas: API Gateway hands a token’s groups to the function as one ' +
      'string, "[a b]", so such a name cannot be told apart from two groups. Rename the group (e.g. event-organizers)',
  })
  .pipe(z.string().regex(/^[\w+=.@-]{1,128}$/, 'must be 1–128 letters, digits and + = . @ _ -'));
