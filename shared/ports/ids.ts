export interface IdGenerator {
  /** A new opaque participant id (`p_` + 20 base-36 characters): the Chime ExternalUserId. */
  participantId(): string;
  /** A short random nonce for one placement's Chime ExternalUserId (see externalUserIdFor). */
  placementNonce(): string;
  /** A unique, time-sortable id for an audit record. */
  auditId(now: Date): string;
}
