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
